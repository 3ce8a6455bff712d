import { blockedAddressReason } from './address-guard.js';

/** Where the server may connect for one provider (or webhook endpoint). */
export interface NetworkPolicy {
  /** Plain http is accepted (local simulators, receivers on a private network); otherwise https only. */
  allowHttp: boolean;
  /** Why an address is refused, or null to allow it. */
  blockedReason(ip: string): string | null;
}

/** https to public addresses only, unless the provider (or endpoint) has allow_private_network. */
export const STRICT_POLICY: NetworkPolicy = { allowHttp: false, blockedReason: blockedAddressReason };
export const PRIVATE_NETWORK_POLICY: NetworkPolicy = { allowHttp: true, blockedReason: () => null };

export const networkPolicy = (allowPrivateNetwork: boolean): NetworkPolicy => (allowPrivateNetwork ? PRIVATE_NETWORK_POLICY : STRICT_POLICY);

/**
 * Why a connection was not made: the address (or the scheme) is one the policy refuses. Thrown
 * before a single byte leaves, so nothing at that address ever hears from Genbox.
 */
export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
  constructor(
    readonly host: string,
    /** The address refused, or null when the scheme was the problem. */
    readonly ip: string | null,
    readonly reason: string,
  ) {
    super(ip ? `${host} resolves to ${ip} (${reason})` : `${host} ${reason}`);
  }
}
