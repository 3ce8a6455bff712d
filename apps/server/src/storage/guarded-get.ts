import { ProviderError } from '@genbox/providers';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { blockedAddressReason } from './address-guard.js';

export interface GuardPolicy {
  /** Plain http is accepted (local simulators); otherwise https only. */
  allowHttp: boolean;
  /** Why an address is refused, or null to allow it. */
  blockedReason(ip: string): string | null;
}

/** The production policy: https to public addresses only, unless the provider allows its private network. */
export const guardPolicy = (allowPrivateNetwork: boolean): GuardPolicy =>
  allowPrivateNetwork ? { allowHttp: true, blockedReason: () => null } : { allowHttp: false, blockedReason: blockedAddressReason };

export interface GuardedGetOptions {
  policy: GuardPolicy;
  signal?: AbortSignal;
  /** Redirects followed before giving up. */
  maxRedirects?: number;
  /** ms a socket may stay silent (connecting, waiting for headers, or mid-body) before provider_timeout. */
  idleTimeoutMs?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GETs `url`, following redirects by hand so that every hop is checked: its scheme, and the
 * address the socket really connects to. The check runs inside the socket's DNS lookup, so the
 * address checked is the address used; a name that resolves differently a second time (DNS
 * rebinding) cannot slip a private address past it. Answers the first non-redirect response,
 * whatever its status; the caller reads or destroys it.
 */
export async function guardedGet(url: string, opts: GuardedGetOptions): Promise<{ res: IncomingMessage; url: URL }> {
  let current = parseUrl(url);
  const maxRedirects = opts.maxRedirects ?? 5;
  for (let hop = 0; ; hop++) {
    const res = await getOnce(current, opts);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || !location) return { res, url: current };
    res.resume(); // a redirect body is noise; drain it so the socket closes cleanly
    if (hop >= maxRedirects) {
      throw new ProviderError('provider_bad_response', `The result link at ${current.host} redirected more than ${maxRedirects} times; Genbox stopped following it.`);
    }
    current = parseUrl(new URL(location, current).href);
  }
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProviderError('provider_bad_response', `The provider gave a result link Genbox cannot read ("${text.slice(0, 80)}").`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ProviderError('result_blocked_address', `The result link uses ${url.protocol} — only https links are downloaded.`);
  }
  return url;
}

function getOnce(url: URL, opts: GuardedGetOptions): Promise<IncomingMessage> {
  const { policy } = opts;
  if (url.protocol === 'http:' && !policy.allowHttp) {
    return Promise.reject(new ProviderError('result_blocked_address', `The result link at ${url.host} is plain http; only https links are downloaded unless the provider allows its private network.`));
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // An IP literal never reaches the lookup below, so it is checked here.
  if (isIP(host)) {
    const reason = policy.blockedReason(host);
    if (reason) return Promise.reject(blocked(url, host, reason));
  }
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family, hints: options.hints }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 4);
      // Every address must pass: the socket may try any of them (happy eyeballs).
      for (const a of addresses) {
        const reason = policy.blockedReason(a.address);
        if (reason) return callback(blocked(url, a.address, reason) as NodeJS.ErrnoException, '', 4);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: 'GET',
      lookup,
      agent: false, // a fresh connection per hop: a pooled socket would skip the lookup check
      signal: opts.signal,
      headers: { accept: 'image/*, video/*, */*;q=0.1', 'user-agent': 'Genbox' },
    });
    req.setTimeout(opts.idleTimeoutMs ?? 30_000, () => {
      req.destroy(new ProviderError('provider_timeout', `The result download from ${url.host} stalled; Genbox will try again.`));
    });
    req.once('response', resolve);
    req.once('error', (err) => {
      if (opts.signal?.aborted) return reject(opts.signal.reason ?? err);
      if (err instanceof ProviderError) return reject(err);
      reject(new ProviderError('provider_network', `Could not download the result from ${url.host} (${(err as NodeJS.ErrnoException).code ?? err.message}); Genbox will try again.`));
    });
    req.end();
  });
}

const blocked = (url: URL, ip: string, reason: string): ProviderError =>
  new ProviderError('result_blocked_address', `The result link points at ${url.hostname} (${ip}, ${reason}); Genbox does not download from private or internal addresses unless the provider allows its private network.`);
