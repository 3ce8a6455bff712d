import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 signatures over short strings, with one secret per purpose so a token can't pass as a URL signature. */
export class Signer {
  constructor(private readonly secret: string) {}

  sign(purpose: string, payload: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}\n${payload}`).digest('base64url');
  }

  verify(purpose: string, payload: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(purpose, payload));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
