import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-provider create-rate override, a box's paused queue, and a generation's queue priority. */
export class PipelineLimits1732600000000 implements MigrationInterface {
  name = 'PipelineLimits1732600000000';

  async up(q: QueryRunner): Promise<void> {
    // {requests, per_ms}; null: the default of the provider's kind
    await q.query(`ALTER TABLE ai_providers ADD COLUMN rate_limit jsonb`);
    await q.query(`ALTER TABLE boxes ADD COLUMN paused boolean NOT NULL DEFAULT false`);
    // Bull's priority: 1 runs first; null after every prioritized one
    await q.query(`ALTER TABLE assets ADD COLUMN priority smallint CHECK (priority BETWEEN 1 AND 100)`);
    // resuming a box lists its PENDING generations in queue order
    await q.query(`CREATE INDEX assets_box_pending ON assets (box_id, priority, created_at) WHERE status = 'PENDING'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS assets_box_pending`);
    await q.query(`ALTER TABLE assets DROP COLUMN IF EXISTS priority`);
    await q.query(`ALTER TABLE boxes DROP COLUMN IF EXISTS paused`);
    await q.query(`ALTER TABLE ai_providers DROP COLUMN IF EXISTS rate_limit`);
  }
}
