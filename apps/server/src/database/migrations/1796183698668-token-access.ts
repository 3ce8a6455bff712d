import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every bearer token is a row, so each can be listed and revoked at once: login sessions too
 * (kind 'session'; they were signed and stateless, and are logged out by this change). API tokens
 * get scopes (read, write, admin) and may be limited to some boxes (box_ids, null = all).
 */
export class TokenAccess1796183698668 implements MigrationInterface {
  name = 'TokenAccess1796183698668';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_tokens ADD COLUMN kind text NOT NULL DEFAULT 'api' CHECK (kind IN ('session', 'api'))`);
    await q.query(`ALTER TABLE api_tokens ADD COLUMN box_ids uuid[]`);
    // tokens made before scopes existed could do what their user could (short of admin routes)
    await q.query(`UPDATE api_tokens SET scopes = '{read,write}' WHERE scopes = '{}'`);
    await q.query(`ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scopes_known CHECK (scopes <@ '{read,write,admin}'::text[])`);
    await q.query(`CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS api_tokens_user`);
    await q.query(`ALTER TABLE api_tokens DROP CONSTRAINT IF EXISTS api_tokens_scopes_known`);
    await q.query(`DELETE FROM api_tokens WHERE kind = 'session'`);
    await q.query(`ALTER TABLE api_tokens DROP COLUMN box_ids, DROP COLUMN kind`);
  }
}
