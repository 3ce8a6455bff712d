import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The board's prompt search: `prompt ILIKE '%text%'` served by a trigram index, so a search in a
 * box of thousands reads the matching rows, not every prompt. pg_trgm ships with PostgreSQL.
 */
export class AssetSearch1796180924250 implements MigrationInterface {
  name = 'AssetSearch1796180924250';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX assets_prompt_trgm ON assets USING gin (prompt gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS assets_prompt_trgm`);
  }
}
