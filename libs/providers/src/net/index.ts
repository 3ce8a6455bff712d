export { blockedAddressReason, isBlockedAddress } from './address-guard.js';
export { BlockedAddressError, networkPolicy, PRIVATE_NETWORK_POLICY, STRICT_POLICY, type NetworkPolicy } from './policy.js';
export { checkTarget, pinnedLookup } from './pinned-lookup.js';
export { guardedFetch } from './guarded-fetch.js';
