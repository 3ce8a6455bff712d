import { Inject, Injectable } from '@nestjs/common';
import type { TokenDto, TokenKind, TokenScope } from '@genbox/contracts';
import { DATABASE } from '../common/tokens.js';
import type { Database } from '../database/database.js';
import type { UserRow } from './users.repository.js';

export interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  kind: TokenKind;
  scopes: TokenScope[];
  box_ids: string[] | null;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
}

export const toTokenDto = (t: TokenRow, currentId: string | null): TokenDto => ({
  id: t.id,
  name: t.name,
  kind: t.kind,
  scopes: t.scopes,
  box_ids: t.box_ids,
  created_at: t.created_at.toISOString(),
  last_used_at: t.last_used_at?.toISOString() ?? null,
  expires_at: t.expires_at?.toISOString() ?? null,
  current: t.id === currentId,
});

const TOKEN_COLUMNS = 'id, user_id, name, kind, scopes, box_ids, created_at, last_used_at, expires_at';

@Injectable()
export class TokensRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async insert(t: { userId: string; name: string; kind: TokenKind; hash: string; scopes: TokenScope[]; boxIds: string[] | null; expiresAt: Date | null }): Promise<TokenRow> {
    const rows = await this.db.query<TokenRow>(
      `INSERT INTO api_tokens (user_id, name, kind, token_hash, scopes, box_ids, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${TOKEN_COLUMNS}`,
      [t.userId, t.name, t.kind, t.hash, t.scopes, t.boxIds, t.expiresAt],
    );
    return rows[0]!;
  }

  /** The live token with this hash and its user, in one round trip; null when unknown, revoked or expired. */
  async findLive(hash: string): Promise<{ token: TokenRow; user: UserRow } | null> {
    const rows = await this.db.query<{ t: TokenRow & { last_used_at: string | null; created_at: string; expires_at: string | null }; u: UserRow & { created_at: string } }>(
      `SELECT to_jsonb(t) - 'token_hash' AS t, to_jsonb(u) AS u FROM api_tokens t JOIN users u ON u.id = t.user_id
       WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [hash],
    );
    const r = rows[0];
    if (!r) return null;
    const date = (v: string | null) => (v === null ? null : new Date(v));
    return {
      token: { ...r.t, created_at: new Date(r.t.created_at), last_used_at: date(r.t.last_used_at), expires_at: date(r.t.expires_at) },
      user: { ...r.u, created_at: new Date(r.u.created_at) },
    };
  }

  /** Marks the token used, at most once a minute (a write per request would cost more than the request). */
  async touch(id: string): Promise<void> {
    await this.db.query(`UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id]);
  }

  /** The user's live tokens, newest first; expired sessions are dropped on the way. */
  async listLive(userId: string): Promise<TokenRow[]> {
    await this.db.query(`DELETE FROM api_tokens WHERE user_id = $1 AND kind = 'session' AND (expires_at < now() OR revoked_at IS NOT NULL)`, [userId]);
    return this.db.query<TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) ORDER BY created_at DESC, id`,
      [userId],
    );
  }

  /** Revokes one of the user's tokens; false when it is not theirs or already gone. */
  async revoke(userId: string, id: string): Promise<boolean> {
    const rows = await this.db.query(`UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`, [id, userId]);
    return rows.length > 0;
  }

  /** Revokes every live session of the user but `keep`; answers the ids revoked. */
  async revokeOtherSessions(userId: string, keep: string | null): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND kind = 'session' AND revoked_at IS NULL AND id IS DISTINCT FROM $2::uuid RETURNING id`,
      [userId, keep],
    );
    return rows.map((r) => r.id);
  }
}
