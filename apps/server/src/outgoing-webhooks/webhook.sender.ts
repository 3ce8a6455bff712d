import { BlockedAddressError, checkTarget, guardedFetch, networkPolicy } from '@genbox/providers';

/** What one attempt got: the receiver's status (null: no answer) and how long it took. */
export interface SendResult { status: number | null; ms: number; error: string | null }

const NOT_PRIVATE = 'Genbox does not call private or internal addresses, or plain http, unless an admin allows it for this endpoint';

const describe = (e: BlockedAddressError) => (e.ip ? `points at ${e.ip === e.host ? e.ip : `${e.host}, which resolves to ${e.ip}`} (${e.reason}); ${NOT_PRIVATE}` : `${e.host} ${e.reason}`);

/** Why a URL may never be a webhook target (scheme, IP literal), or null; names are checked when the socket connects. */
export function targetProblem(url: URL, allowPrivate: boolean): string | null {
  try {
    checkTarget(networkPolicy(allowPrivate), url.protocol, url.hostname);
    return null;
  } catch (e) {
    if (e instanceof BlockedAddressError) return describe(e);
    throw e;
  }
}

/**
 * POSTs one signed delivery through the server's guarded fetch (the address the socket connects
 * to is checked, so DNS rebinding cannot reach a private address), without following redirects
 * (a receiver answers where it was registered); the answer's body is not read.
 */
export async function sendWebhook(target: string, body: string, headers: Record<string, string>, opts: { allowPrivate: boolean; timeoutMs: number }): Promise<SendResult> {
  const started = Date.now();
  const done = (status: number | null, error: string | null): SendResult => ({ status, ms: Date.now() - started, error });
  try {
    const res = await guardedFetch(opts.allowPrivate)(target, {
      method: 'POST', body, redirect: 'manual', signal: AbortSignal.timeout(opts.timeoutMs),
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Genbox-Webhooks' },
    });
    await res.body?.cancel().catch(() => undefined);
    return done(res.status, null);
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof BlockedAddressError) return done(null, `refused: ${describe(cause)}`);
    if ((err as Error).name === 'TimeoutError') return done(null, `no answer within ${opts.timeoutMs} ms`);
    return done(null, `could not connect (${(cause as { code?: string } | undefined)?.code ?? (err as Error).message})`);
  }
}
