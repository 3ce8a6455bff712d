import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resumable (tus) uploads in flight: how long the file is, how much has arrived and where those
 * pieces are stored (one storage object per PATCH, in order), and who is writing it right now.
 * `writer`/`writer_seen` are a lease: one PATCH at a time, and a crashed node's lease runs out.
 */
export class ResumableUploads1796191100000 implements MigrationInterface {
  name = 'ResumableUploads1796191100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE resumable_uploads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        box_id uuid NOT NULL REFERENCES boxes(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        length bigint NOT NULL CHECK (length > 0),
        received bigint NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= length),
        part_keys text[] NOT NULL DEFAULT '{}',
        filename text,
        prompt text,
        writer uuid,
        writer_seen timestamptz,
        asset_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX resumable_uploads_expiry ON resumable_uploads (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS resumable_uploads`);
  }
}
