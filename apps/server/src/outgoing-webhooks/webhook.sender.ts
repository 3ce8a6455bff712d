import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { blockedAddressReason } from '../storage/address-guard.js';

/** What one attempt got: the receiver's status (null: no answer) and how long it took. */
export interface SendResult { status: number | null; ms: number; error: string | null }

/** Why a URL may never be a webhook target, or null; `allowPrivate`: an admin allowed private networks (and plain http). */
export function targetProblem(url: URL, allowPrivate: boolean): string | null {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${url.protocol} is not a web address`;
  if (url.protocol === 'http:' && !allowPrivate) return 'must be https (plain http only for endpoints an admin allows on a private network)';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const reason = !allowPrivate && isIP(host) ? blockedAddressReason(host) : null;
  return reason ? `points at ${host} (${reason}); Genbox does not call private or internal addresses unless an admin allows it for this endpoint` : null;
}

/**
 * POSTs one signed delivery. The address the socket connects to is checked inside its DNS lookup
 * (the address checked is the address used: no DNS rebinding), redirects are not followed (a
 * receiver answers where it was registered), and the answer's body is drained unread.
 */
export function sendWebhook(target: string, body: string, headers: Record<string, string>, opts: { allowPrivate: boolean; timeoutMs: number }): Promise<SendResult> {
  const started = Date.now();
  const done = (status: number | null, error: string | null): SendResult => ({ status, ms: Date.now() - started, error });
  const url = new URL(target);
  const problem = targetProblem(url, opts.allowPrivate);
  if (problem) return Promise.resolve(done(null, `refused: the URL ${problem}`));
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family, hints: options.hints }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 4);
      for (const a of addresses) {
        const reason = opts.allowPrivate ? null : blockedAddressReason(a.address);
        if (reason) return callback(Object.assign(new Error(`refused: ${hostname} resolves to ${a.address} (${reason}); Genbox does not call private or internal addresses unless an admin allows it for this endpoint`), { code: 'EBLOCKED' }), '', 4);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(url, {
      method: 'POST',
      lookup,
      agent: false, // a pooled socket would skip the lookup check
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Genbox-Webhooks' },
    });
    req.setTimeout(opts.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${opts.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.once('response', (res) => {
      res.resume();
      res.once('end', () => resolve(done(res.statusCode ?? null, null)));
      res.once('error', () => resolve(done(res.statusCode ?? null, null)));
    });
    req.once('error', (err: NodeJS.ErrnoException) => resolve(done(null, err.code === 'EBLOCKED' || err.code === 'ETIMEDOUT' ? err.message : `could not connect (${err.code ?? err.message})`)));
    req.end(body);
  });
}
