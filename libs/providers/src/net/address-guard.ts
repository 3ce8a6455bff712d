import { isIPv4, isIPv6 } from 'node:net';

/** [first address, prefix length, why it is refused] */
type Rule = [string, number, string];

const V4_RULES: Rule[] = [
  ['0.0.0.0', 8, 'this-network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'], // also Alibaba's metadata service at 100.100.100.200
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local / cloud metadata'], // 169.254.169.254 on AWS, GCP, Azure
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'], // includes Oracle's metadata at 192.0.0.192
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // includes 255.255.255.255
];

const V6_RULES: Rule[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'discard-only'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique-local'], // includes AWS's IPv6 metadata at fd00:ec2::254
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

/**
 * IPv6 forms that carry an IPv4 address inside; the embedded address decides.
 * [prefix, prefix length, byte offset of the IPv4 address]
 */
const V6_EMBEDDING: [string, number, number][] = [
  ['::ffff:0:0', 96, 12], // IPv4-mapped
  ['::', 96, 12], // IPv4-compatible (deprecated, still routed by some stacks)
  ['64:ff9b::', 96, 12], // NAT64
  ['64:ff9b:1::', 48, 12], // local-use NAT64
  ['2002::', 16, 2], // 6to4
];

/**
 * Why an address must not be fetched from a server (private, loopback, link-local, metadata…),
 * or null when it is a public unicast address. Anything that does not parse is refused.
 */
export function blockedAddressReason(ip: string): string | null {
  const zoneless = ip.replace(/%.*$/, '');
  if (isIPv4(zoneless)) return match(v4Bytes(zoneless), V4_RULES);
  if (!isIPv6(zoneless)) return 'not an IP address';
  const bytes = v6Bytes(zoneless);
  const own = match(bytes, V6_RULES);
  if (own) return own;
  for (const [prefix, len, at] of V6_EMBEDDING) {
    if (inPrefix(bytes, v6Bytes(prefix), len)) return match(bytes.subarray(at, at + 4), V4_RULES);
  }
  return null;
}

export const isBlockedAddress = (ip: string): boolean => blockedAddressReason(ip) !== null;

function match(bytes: Uint8Array, rules: Rule[]): string | null {
  const parse = bytes.length === 4 ? v4Bytes : v6Bytes;
  for (const [first, len, why] of rules) if (inPrefix(bytes, parse(first), len)) return why;
  return null;
}

function inPrefix(bytes: Uint8Array, prefix: Uint8Array, len: number): boolean {
  for (let bit = 0; bit < len; bit++) {
    const mask = 0x80 >> bit % 8;
    if ((bytes[bit >> 3]! & mask) !== (prefix[bit >> 3]! & mask)) return false;
  }
  return true;
}

function v4Bytes(ip: string): Uint8Array {
  return Uint8Array.from(ip.split('.').map(Number));
}

/** 16 bytes from any valid IPv6 text form, including "::" and a trailing dotted quad. */
function v6Bytes(ip: string): Uint8Array {
  let text = ip;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = v4Bytes(quad[1]!);
    text = text.slice(0, -quad[1]!.length) + `${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [left, right] = text.includes('::') ? text.split('::') : [text, undefined];
  const head = left ? left.split(':') : [];
  const tail = right ? right.split(':') : [];
  const groups = right === undefined ? head : [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  });
  return bytes;
}
