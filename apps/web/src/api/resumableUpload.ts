import { ApiError, NETWORK_ERROR, pathFor, toErrorBody } from '@genbox/client';
import type { AssetDto } from '@genbox/contracts';
import { ROUTES } from '@genbox/contracts';
import { authHeaders, newXhr, unauthorized } from './http';

/**
 * The board's resumable upload (tus 1.0 against `POST /api/boxes/:id/uploads`): the file goes in
 * PATCHes of at most CHUNK bytes; when a connection drops, the client asks the server how much it
 * has (HEAD) and sends only the rest. The server keeps what arrived of a cut-off PATCH too.
 */

/** Bytes per PATCH: big enough to cost few requests, small enough for proxies that cap a request body. */
export const CHUNK = 64 * 1024 * 1024;
/** Waits between tries after a failure, in ms; the last repeats until MAX_TRIES. Progress resets the count. */
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15_000];
const MAX_TRIES = 12;

export interface ResumableOptions {
  promptText?: string;
  /** Bytes the server has or that are on their way, of the whole file. */
  onProgress?: (sentBytes: number) => void;
  /** The connection dropped; `offset` is where it resumes after waiting `waitMs`. */
  onRetry?: (info: { attempt: number; waitMs: number }) => void;
  signal?: AbortSignal;
  /** For tests: the waits. */
  sleep?: (ms: number) => Promise<void>;
  /** Continue this upload (its `/api/uploads/:id`) instead of starting one: it asks the server what it has first. */
  resumeUrl?: string;
  /** The upload's URL, once the server made it: what `resumeUrl` takes to continue it later. */
  onCreated?: (url: string) => void;
}

interface XhrAnswer { status: number; header: (name: string) => string | null; body: unknown }

const b64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

export async function resumableUpload(boxId: string, file: File, opts: ResumableOptions = {}): Promise<AssetDto> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const url = opts.resumeUrl ?? (await create(boxId, file, opts));
  let offset = 0;
  let failures = 0;
  // a resumed upload starts by asking, like any try after a failure
  let askOffset = !!opts.resumeUrl;
  for (;;) {
    try {
      if (askOffset || failures > 0) offset = offsetOf(ok(await send('HEAD', url, {}, null, opts)), file.size);
      askOffset = false;
      const end = Math.min(file.size, offset + CHUNK);
      const from = offset;
      const res = ok(await send('PATCH', url, { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(from) }, file.slice(from, end), opts, (n) => opts.onProgress?.(from + n)));
      offset = offsetOf(res, file.size);
      const assetId = res.header('Genbox-Asset-Id');
      if (offset <= from && !assetId) throw new ApiError({ statusCode: 0, error: 'no_progress', message: 'The server took none of the bytes sent.' });
      failures = 0;
      opts.onProgress?.(offset);
      if (assetId) return ok(await send('GET', pathFor(ROUTES.getAsset.path, { id: assetId }), {}, null, opts)).body as AssetDto;
    } catch (err) {
      if (!(err instanceof ApiError) || err.code === 'aborted' || !retryable(err.status) || ++failures > MAX_TRIES) throw err;
      const waitMs = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length) - 1]!;
      opts.onRetry?.({ attempt: failures, waitMs });
      await sleep(waitMs);
    }
  }
}

async function create(boxId: string, file: File, opts: ResumableOptions): Promise<string> {
  const metadata = [`filename ${b64(file.name)}`, ...(opts.promptText ? [`prompt_text ${b64(opts.promptText)}`] : [])].join(',');
  const created = ok(await send('POST', pathFor(ROUTES.createResumableUpload.path, { id: boxId }), { 'Upload-Length': String(file.size), 'Upload-Metadata': metadata }, null, opts));
  const url = created.header('Location') ?? (created.body as { url: string }).url;
  opts.onCreated?.(url);
  return url;
}

/** A dropped connection, a server restarting, an offset that moved, another request still writing. */
const retryable = (status: number) => status === 0 || status === 409 || status === 423 || status === 429 || status >= 500;

/** An error after which the same upload can be continued later (the link or the server was away), not one it was refused for. */
export const resumableAfter = (err: unknown): boolean => err instanceof ApiError && err.code !== 'aborted' && retryable(err.status);

/** The server's Upload-Offset; an answer without a sensible one is a broken server, not something to retry forever. */
function offsetOf(res: XhrAnswer, size: number): number {
  const offset = Number(res.header('Upload-Offset') ?? NaN);
  if (!Number.isInteger(offset) || offset < 0 || offset > size) throw new ApiError({ statusCode: 502, error: 'bad_response', message: 'The server answered the upload without a valid Upload-Offset.' });
  return offset;
}

function ok(res: XhrAnswer): XhrAnswer {
  if (res.status >= 200 && res.status < 300) return res;
  const body = toErrorBody(res.status, '', res.body);
  if (body.statusCode === 401) unauthorized();
  throw new ApiError(body);
}

/** One request by XHR (only XHR reports upload progress); a network failure rejects with status 0. */
function send(method: string, url: string, headers: Record<string, string>, body: Blob | null, opts: ResumableOptions, onSent?: (n: number) => void): Promise<XhrAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = newXhr();
    xhr.open(method, url);
    for (const [k, v] of Object.entries({ ...authHeaders(), 'Tus-Resumable': '1.0.0', Accept: 'application/json', ...headers })) xhr.setRequestHeader(k, v);
    if (onSent) xhr.upload.onprogress = (e) => onSent(e.loaded);
    xhr.onload = () => {
      let parsed: unknown;
      try { parsed = xhr.responseText ? JSON.parse(xhr.responseText) : undefined; } catch { parsed = undefined; }
      resolve({ status: xhr.status, header: (n) => xhr.getResponseHeader(n), body: parsed });
    };
    xhr.onerror = () => reject(new ApiError(NETWORK_ERROR));
    xhr.onabort = () => reject(new ApiError({ statusCode: 0, error: 'aborted', message: 'Upload canceled.' }));
    opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}
