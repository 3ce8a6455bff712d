import type { IncomingMessage } from 'node:http';
import { type MediaType, peekMedia } from '@genbox/media';
import { type NetworkPolicy, ProviderError, networkPolicy, parseRetryAfter } from '@genbox/providers';
import type { StorageDriver } from '../storage/storage.port.js';
import { formatBytes, type StoredMedia } from '../storage/upload-stream.js';
import { DownloadWatch, type DownloadPace } from './download-watch.js';
import { guardedGet } from './guarded-get.js';

export interface DownloadOptions {
  maxBytes: number;
  /** The provider's allow_private_network: http and private/loopback addresses are accepted. */
  allowPrivateNetwork: boolean;
  /** What the model makes; anything else is result_unsupported_type. Both when unset. */
  allowedTypes?: readonly MediaType[];
  signal?: AbortSignal;
  /** The overall deadline and the slowest pace allowed (RESULT_DOWNLOAD_*). */
  pace: DownloadPace;
  storage: StorageDriver;
  key: string;
  /** Overrides allowPrivateNetwork; for tests that need a "public" stand-in on loopback. */
  policy?: NetworkPolicy;
}

/**
 * Streams a provider's result into storage under `key`: the network checks of guardedGet, a size
 * cap enforced while streaming, the type taken from the bytes (providers often say
 * application/octet-stream), and the pace of a DownloadWatch (a deadline, a slowest average): a
 * download that breaks either has its socket destroyed. Nothing is left stored when it throws.
 * Errors are ProviderErrors whose code tells the processor whether to retry.
 */
export async function downloadToStorage(url: string, opts: DownloadOptions): Promise<StoredMedia> {
  const watch = new DownloadWatch(opts.pace, url, opts.signal);
  try {
    return await download(url, opts, watch);
  } finally {
    watch.stop();
  }
}

async function download(url: string, opts: DownloadOptions, watch: DownloadWatch): Promise<StoredMedia> {
  const policy = opts.policy ?? networkPolicy(opts.allowPrivateNetwork);
  const { signal } = watch;
  const { res, url: finalUrl } = await guardedGet(url, { policy, signal });
  const host = finalUrl.host;
  watch.host = host;
  try {
    checkStatus(res, host);
    const declared = Number(res.headers['content-length']);
    if (declared > opts.maxBytes) throw tooLarge(opts.maxBytes, host);
  } catch (err) {
    res.destroy();
    throw err;
  }

  // counted as it arrives, for the watch; a listener beside peekMedia's, so no layer in between
  res.on('data', (chunk: Buffer) => watch.count(chunk.length));
  const peek = await peekMedia(res, {
    maxBytes: opts.maxBytes,
    tooLarge: () => tooLarge(opts.maxBytes, host),
    sourceFailed: (err) =>
      signal.aborted
        ? (signal.reason as Error)
        : err instanceof ProviderError
          ? err
          : new ProviderError('provider_network', `The result download from ${host} broke off (${(err as Error)?.message ?? err}); Genbox will try again.`),
  });
  const allowed = opts.allowedTypes ?? ['IMAGE', 'VIDEO'];
  if (peek.empty || !peek.media || !allowed.includes(peek.media.type)) {
    await peek.discard();
    const said = res.headers['content-type'] ?? 'no content type';
    const what = peek.empty ? 'an empty file' : peek.media ? `a ${peek.media.mimeType} file` : `a file that is not a supported image or video (it says ${said})`;
    throw new ProviderError('result_unsupported_type', `The provider's result is ${what}; this model should produce ${allowed.map((t) => t.toLowerCase()).join(' or ')}.`);
  }
  try {
    const { sizeBytes } = await opts.storage.put(opts.key, peek.body, { contentType: peek.media.mimeType });
    return { mimeType: peek.media.mimeType, type: peek.media.type, sizeBytes };
  } catch (err) {
    await opts.storage.delete(opts.key).catch(() => undefined);
    throw peek.failure() ?? err;
  }
}

function checkStatus(res: IncomingMessage, host: string): void {
  const status = res.statusCode ?? 0;
  if (status === 200) return;
  // A signed result URL that has run out answers one of these; retrying cannot bring it back.
  if (status === 403 || status === 404 || status === 410) {
    throw new ProviderError('result_expired', `The result link expired (HTTP ${status} from ${host}) before Genbox could download it; run the generation again.`);
  }
  // both may say when to come back, in seconds or as an HTTP date
  const afterMs = parseRetryAfter(res.headers['retry-after'] as string | undefined);
  if (status === 429) throw new ProviderError('provider_rate_limited', `${host} is rate limiting result downloads; Genbox will try again.`, { afterMs });
  if (status >= 500) throw new ProviderError('provider_unavailable', `${host} failed to serve the result (HTTP ${status}); Genbox will try again.`, { afterMs });
  throw new ProviderError('provider_bad_response', `${host} answered HTTP ${status} for the result link.`);
}

const tooLarge = (maxBytes: number, host: string): ProviderError =>
  new ProviderError('result_too_large', `The result from ${host} is larger than the ${formatBytes(maxBytes)} limit; Genbox stopped downloading it.`);
