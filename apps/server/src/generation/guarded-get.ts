import { BlockedAddressError, type NetworkPolicy, ProviderError, checkTarget, pinnedLookup } from '@genbox/providers';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface GuardedGetOptions {
  policy: NetworkPolicy;
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
  try {
    checkTarget(policy, url.protocol, url.hostname);
  } catch (e) {
    return Promise.reject(blocked(url, e as BlockedAddressError));
  }
  const lookup = pinnedLookup(policy);
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
      if (err instanceof BlockedAddressError) return reject(blocked(url, err));
      reject(new ProviderError('provider_network', `Could not download the result from ${url.host} (${(err as NodeJS.ErrnoException).code ?? err.message}); Genbox will try again.`));
    });
    req.end();
  });
}

const blocked = (url: URL, e: BlockedAddressError): ProviderError =>
  e.ip
    ? new ProviderError('result_blocked_address', `The result link points at ${url.hostname} (${e.ip}, ${e.reason}); Genbox does not download from private or internal addresses unless the provider allows its private network.`)
    : new ProviderError('result_blocked_address', `The result link at ${url.host} is plain ${url.protocol.replace(/:$/, '')}; only https links are downloaded unless the provider allows its private network.`);
