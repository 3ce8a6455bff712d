import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * fal's webhook signing, reproduced with a local ED25519 key (PROTOCOLS §4.5). The message layout
 * (request id, user id, timestamp, hex SHA-256 of the body, newline-joined; hex signature) follows
 * fal's published verification example and is marked "to confirm" in PROTOCOLS.
 */
export class FalSigner {
  private readonly privateKey: KeyObject;
  readonly jwk: { kty: string; crv: string; x: string; kid: string; use: string };

  constructor(readonly userId = 'user_sim_0001') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    const { x } = publicKey.export({ format: 'jwk' }) as { x: string };
    this.jwk = { kty: 'OKP', crv: 'Ed25519', x, kid: randomBytes(6).toString('hex'), use: 'sig' };
  }

  /** The JWKS document fal serves at /.well-known/jwks.json. */
  jwks() {
    return { keys: [this.jwk] };
  }

  headers(requestId: string, rawBody: string, mode: 'good' | 'bad' | 'stale', nowMs: number): Record<string, string> {
    const timestamp = String(Math.floor((mode === 'stale' ? nowMs - 3600_000 : nowMs) / 1000));
    const message = [requestId, this.userId, timestamp, createHash('sha256').update(rawBody).digest('hex')].join('\n');
    const signature = mode === 'bad' ? randomBytes(64).toString('hex') : sign(null, Buffer.from(message), this.privateKey).toString('hex');
    return {
      'x-fal-webhook-request-id': requestId,
      'x-fal-webhook-user-id': this.userId,
      'x-fal-webhook-timestamp': timestamp,
      'x-fal-webhook-signature': signature,
    };
  }
}
