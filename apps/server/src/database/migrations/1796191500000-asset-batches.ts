import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Batches named by the server: every asset of one generate call with count > 1 carries the same
 * `batch_id` (null for single runs and uploads), so the board groups them without guessing and a
 * batch can be read and canceled as one. The partial index serves those reads and the list filter.
 */
export class AssetBatches1796191500000 implements MigrationInterface {
  name = 'AssetBatches1796191500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE assets ADD COLUMN batch_id uuid`);
    await q.query(`CREATE INDEX assets_batch ON assets (batch_id) WHERE batch_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS assets_batch`);
    await q.query(`ALTER TABLE assets DROP COLUMN IF EXISTS batch_id`);
  }
}
