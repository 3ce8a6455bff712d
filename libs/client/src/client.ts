import { type AssetDto, ROUTES, type RouteName } from '@genbox/contracts';
import { ApiError, NETWORK_ERROR, parseJson, toErrorBody } from './errors.js';
import { type ServerSentEvent, readEventStream } from './sse.js';
import type { BareRoute, CallInput, CallResult } from './types.js';

export interface ClientOptions {
  /** Where the server is (`http://localhost:3000`); empty for the page's own origin. */
  baseUrl?: string;
  /** A login or API token, or a function read before each call. */
  token?: string | null | (() => string | null);
  fetch?: typeof fetch;
  /** Called on any 401, so an app can end its session. */
  onUnauthorized?: () => void;
}

type Query = Record<string, string | number | boolean | undefined | null>;
type AnyInput = { params?: Record<string, string>; body?: unknown; query?: Query };

/** A box event from `GET /api/boxes/:id/events`, its JSON data parsed. */
export interface BoxStreamEvent { event: string; id: string | null; data: unknown }

/**
 * The Genbox API as typed calls: `client.call('getBox', {params: {id}})`. Names, paths, bodies and
 * answers come from the contract in @genbox/contracts, the one /api/docs is generated from.
 */
export class GenboxClient {
  constructor(private readonly options: ClientOptions = {}) {}

  call<N extends BareRoute>(name: N, input?: CallInput<N>): Promise<CallResult<N>>;
  call<N extends RouteName>(name: N, input: CallInput<N>): Promise<CallResult<N>>;
  async call<N extends RouteName>(name: N, input?: CallInput<N>): Promise<CallResult<N>> {
    const route: { method: string; path: string; raw?: true } = ROUTES[name];
    const { params, body, query } = (input ?? {}) as AnyInput;
    const res = await this.send(route.method, pathFor(route.path, params) + toQueryString(query), body === undefined ? undefined : JSON.stringify(body), body === undefined ? {} : { 'Content-Type': 'application/json' });
    if (route.raw) return res as CallResult<N>;
    const text = await res.text();
    return (text ? parseJson(text) : undefined) as CallResult<N>;
  }

  /**
   * A JSON call by method and path, for an endpoint newer than this client's contract; prefer
   * `call`, which is typed. Answers the parsed body (undefined for 204).
   */
  async raw(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? {} : { 'Content-Type': 'application/json' });
    const text = await res.text();
    return text ? parseJson(text) : undefined;
  }

  /** `POST /api/boxes/:id/upload`: multipart `file` and, optionally, `prompt_text`. */
  async upload(boxId: string, file: Blob, opts: { filename?: string; promptText?: string } = {}): Promise<AssetDto> {
    const form = new FormData();
    // the caption first: the server reads the stream and has it before the file's bytes
    if (opts.promptText) form.append('prompt_text', opts.promptText);
    form.append('file', file, opts.filename ?? 'upload');
    const res = await this.send('POST', pathFor(ROUTES.upload.path, { id: boxId }), form, {});
    return parseJson(await res.text()) as AssetDto;
  }

  /** The box's events as they happen (SSE), from `lastEventId` on when given; ends when `signal` aborts. */
  async *events(boxId: string, opts: { lastEventId?: string; signal?: AbortSignal } = {}): AsyncGenerator<BoxStreamEvent> {
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (opts.lastEventId) headers['Last-Event-ID'] = opts.lastEventId;
    const res = await this.send('GET', pathFor(ROUTES.boxEvents.path, { id: boxId }), undefined, headers, opts.signal);
    if (!res.body) return;
    try {
      for await (const e of readEventStream(res.body)) yield parseEvent(e);
    } catch (err) {
      if (opts.signal?.aborted) return;
      throw err;
    }
  }

  /** The asset's bytes (`GET /api/assets/:id/file`), as a Response to stream or buffer. */
  download(assetId: string): Promise<Response> {
    return this.call('assetFile', { params: { id: assetId } });
  }

  private token(): string | null {
    const t = this.options.token;
    return typeof t === 'function' ? t() : (t ?? null);
  }

  private async send(method: string, path: string, body: BodyInit | undefined, extra: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...extra };
    const token = this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    const doFetch = this.options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
    let res: Response;
    try {
      res = await doFetch(`${this.options.baseUrl ?? ''}${path}`, { method, headers, body, signal });
    } catch (err) {
      // fetch signals an unreachable server with a TypeError; anything else is a bug to surface
      if (err instanceof TypeError) throw new ApiError({ ...NETWORK_ERROR, cause: err.cause instanceof Error ? err.cause.message : undefined });
      throw err;
    }
    if (res.ok) return res;
    const text = await res.text();
    const error = toErrorBody(res.status, res.statusText, text ? parseJson(text) : undefined);
    if (error.statusCode === 401) this.options.onUnauthorized?.();
    throw new ApiError(error);
  }
}

function parseEvent(e: ServerSentEvent): BoxStreamEvent {
  return { event: e.event, id: e.id, data: parseJson(e.data) ?? e.data };
}

/** `/api/boxes/:id` with `{id: 'b 1'}` → `/api/boxes/b%201`. */
export function pathFor(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined || v === '') throw new Error(`${path}: missing the ${name} parameter`);
    return encodeURIComponent(v);
  });
}

export function toQueryString(query?: Query): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}
