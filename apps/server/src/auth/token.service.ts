import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database/database.js';
import type { AppConfig } from '../config/env.js';
import type { Signer } from '../common/signer.js';
import { CONFIG, DATABASE, SIGNER } from '../common/tokens.js';

const SESSION_PREFIX = 'gbs1';
const API_PREFIX = 'gbt_';

/**
 * Two kinds of bearer token: signed session tokens (stateless, from login) and API tokens
 * for integrations (random, stored as a SHA-256 hash, revocable).
 */
@Injectable()
export class TokenService {
  constructor(
    @Inject(SIGNER) private readonly signer: Signer,
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  issueSession(userId: string): string {
    const exp = (Date.now() + this.config.tokenTtlMs).toString(36);
    const payload = `${userId}.${exp}`;
    return `${SESSION_PREFIX}.${payload}.${this.signer.sign('session', payload)}`;
  }

  /** The user id the token stands for, or null. */
  async verify(token: string): Promise<string | null> {
    if (token.startsWith(`${SESSION_PREFIX}.`)) {
      const [, userId, exp, sig] = token.split('.');
      if (!userId || !exp || !sig) return null;
      if (!this.signer.verify('session', `${userId}.${exp}`, sig)) return null;
      return parseInt(exp, 36) > Date.now() ? userId : null;
    }
    if (token.startsWith(API_PREFIX)) {
      const rows = await this.db.query(
        `UPDATE api_tokens SET last_used_at = now()
         WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
         RETURNING user_id`,
        [hashToken(token)],
      );
      return rows[0]?.user_id ?? null;
    }
    return null;
  }

  async createApiToken(userId: string, name: string): Promise<{ id: string; token: string }> {
    const token = API_PREFIX + randomBytes(24).toString('base64url');
    const rows = await this.db.query('INSERT INTO api_tokens (user_id, name, token_hash) VALUES ($1, $2, $3) RETURNING id', [userId, name, hashToken(token)]);
    return { id: rows[0].id, token };
  }
}

const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');

/** Reads `Bearer x` or `Token x`. */
export function tokenFromHeader(header: string | undefined): string | null {
  const m = /^(?:Bearer|Token)\s+(\S+)$/i.exec(header?.trim() ?? '');
  return m ? m[1]! : null;
}
