import type { ErrorBody } from '@genbox/contracts';

/** Every failed call rejects with this; `message` is the server's sentence for a person. */
export class ApiError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
    this.name = 'ApiError';
  }
  get status() { return this.body.statusCode; }
  get code() { return this.body.error; }
}

export const NETWORK_ERROR: ErrorBody = { statusCode: 0, error: 'network', message: 'Cannot reach the server. Check your connection and try again.' };

/** Turns any error answer into an ErrorBody, even when a proxy answered with HTML. */
export function toErrorBody(status: number, statusText: string, data: unknown): ErrorBody {
  const d = (data ?? {}) as Partial<Record<keyof ErrorBody, unknown>>;
  const message = Array.isArray(d.message) ? d.message.join('; ') : d.message;
  if (typeof message === 'string' && message) {
    return { ...(d as object), statusCode: status, error: typeof d.error === 'string' ? d.error : `http_${status}`, message };
  }
  const fallback = status >= 500 ? 'The server had a problem. Try again in a moment.' : `Request failed (${[status, statusText].filter(Boolean).join(' ')}).`;
  return { statusCode: status, error: `http_${status}`, message: fallback };
}

export function parseJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return undefined; }
}
