import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ProviderError } from '../errors.js';
import type { IncomingWebhook } from '../adapter.js';
import { FAL } from './fal.wire.js';

/** Where fal publishes its webhook signing keys. This server cannot fetch it offline: paste it into the provider's webhook secret. */
export const FAL_JWKS_URL = 'https://rest.alpha.fal.ai/.well-known/jwks.json';
/** Callbacks older or newer than this are refused (replays). */
export const FAL_WEBHOOK_TOLERANCE_MS = 5 * 60_000;

/**
 * The ED25519 public keys from the provider's webhook secret: either fal's JWKS document
 * (`{"keys":[{"kty":"OKP","crv":"Ed25519","x":"…"}]}`) or the `x` values, comma-separated.
 */
export function falPublicKeys(secret: string | null): KeyObject[] {
  if (!secret?.trim()) return [];
  let xs: string[];
  try {
    const jwks = JSON.parse(secret) as { keys?: { x?: string }[] };
    xs = (jwks.keys ?? []).map((k) => k.x ?? '').filter(Boolean);
  } catch {
    xs = secret.split(',').map((s) => s.trim()).filter(Boolean);
  }
  return xs.map((x) => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: x.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') }, format: 'jwk' }));
}

const header = (hook: IncomingWebhook, name: string): string => {
  const v = hook.headers[name] ?? hook.headers[name.toLowerCase()];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};

/**
 * Checks fal's webhook signature. The signed message follows fal's published verification example:
 * request id, user id, timestamp and the hex SHA-256 of the raw body, joined by newlines; the
 * signature header is hex. PROTOCOLS marks this layout "to confirm" against the live service.
 */
export function verifyFalWebhook(hook: IncomingWebhook, keys: KeyObject[], now: number = Date.now()): void {
  const invalid = (why: string) => new ProviderError('webhook_signature_invalid', `${FAL} callback refused: ${why}.`);
  if (keys.length === 0) throw invalid(`no fal public keys are configured; paste fal's JWKS (${FAL_JWKS_URL}) into the provider's webhook secret`);
  const requestId = header(hook, 'x-fal-webhook-request-id');
  const userId = header(hook, 'x-fal-webhook-user-id');
  const timestamp = header(hook, 'x-fal-webhook-timestamp');
  const signature = header(hook, 'x-fal-webhook-signature');
  if (!requestId || !userId || !timestamp || !signature) throw invalid('signature headers are missing');
  const at = Number(timestamp) * 1000;
  if (!Number.isFinite(at) || Math.abs(now - at) > FAL_WEBHOOK_TOLERANCE_MS) throw invalid('the timestamp is too old or in the future');
  if (!/^[0-9a-f]+$/i.test(signature)) throw invalid('the signature is not hex');
  const message = Buffer.from([requestId, userId, timestamp, createHash('sha256').update(hook.rawBody).digest('hex')].join('\n'), 'utf8');
  const sig = Buffer.from(signature, 'hex');
  if (!keys.some((k) => verify(null, message, k, sig))) throw invalid('the signature does not match');
}
