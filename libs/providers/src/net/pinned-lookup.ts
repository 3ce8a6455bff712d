import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { BlockedAddressError, type NetworkPolicy } from './policy.js';

/**
 * A socket `lookup` that resolves the name once and refuses it unless every address passes the
 * policy. The check runs inside the socket's own lookup, so the address checked is the address
 * used: a name that resolves differently a second time (DNS rebinding) cannot slip through.
 */
export function pinnedLookup(policy: NetworkPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family, hints: options.hints }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 4);
      // every address must pass: the socket may try any of them (happy eyeballs)
      for (const a of addresses) {
        const reason = policy.blockedReason(a.address);
        if (reason) return callback(new BlockedAddressError(hostname, a.address, reason) as unknown as NodeJS.ErrnoException, '', 4);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** The checks a lookup cannot make: the scheme, and an IP literal (sockets skip the lookup for those). */
export function checkTarget(policy: NetworkPolicy, protocol: string, hostname: string): void {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (protocol !== 'https:' && !(protocol === 'http:' && policy.allowHttp))
    throw new BlockedAddressError(host, null, `is reached over ${protocol.replace(/:$/, '')}; only https is used unless allow_private_network is set`);
  if (isIP(host)) {
    const reason = policy.blockedReason(host);
    if (reason) throw new BlockedAddressError(host, host, reason);
  }
}
