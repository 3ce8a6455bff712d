import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Planning becomes two worker jobs (plan, continuity) resumable from the database: a storyboard is
 * PLANNING until both are stored. `plan_choice` is what the jobs need to call the planner again
 * (`"local"` or `{provider_id, model}`), `scene_count` how many scenes were asked for (the estimate
 * before there are scenes), `drafted_at` when the first pass was stored. A template provider may
 * carry a `chat_template`: how its chat models are called, so any chat API can plan.
 */
export class StoryboardPlanning1796191000000 implements MigrationInterface {
  name = 'StoryboardPlanning1796191000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE storyboards DROP CONSTRAINT IF EXISTS storyboards_status_check`);
    await q.query(`ALTER TABLE storyboards ADD CONSTRAINT storyboards_status_check CHECK (status IN ('PLANNING', 'PLANNED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED'))`);
    await q.query(`ALTER TABLE storyboards ADD COLUMN plan_choice jsonb NOT NULL DEFAULT '"local"'`);
    await q.query(`ALTER TABLE storyboards ADD COLUMN scene_count smallint`);
    await q.query(`UPDATE storyboards s SET scene_count = GREATEST(1, (SELECT count(*) FROM storyboard_scenes sc WHERE sc.storyboard_id = s.id))`);
    await q.query(`ALTER TABLE storyboards ALTER COLUMN scene_count SET NOT NULL`);
    await q.query(`ALTER TABLE storyboards ADD COLUMN drafted_at timestamptz`);
    await q.query(`UPDATE storyboards SET drafted_at = planned_at`);
    // workers sweep the ones planning or running
    await q.query(`DROP INDEX IF EXISTS storyboards_running`);
    await q.query(`CREATE INDEX storyboards_active ON storyboards (id) WHERE status IN ('PLANNING', 'RUNNING')`);
    await q.query(`ALTER TABLE ai_providers ADD COLUMN chat_template jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ai_providers DROP COLUMN IF EXISTS chat_template`);
    await q.query(`DROP INDEX IF EXISTS storyboards_active`);
    await q.query(`CREATE INDEX storyboards_running ON storyboards (id) WHERE status = 'RUNNING'`);
    await q.query(`UPDATE storyboards SET status = 'FAILED', error_message = 'Planning was interrupted by a downgrade' WHERE status = 'PLANNING'`);
    await q.query(`ALTER TABLE storyboards DROP COLUMN drafted_at, DROP COLUMN scene_count, DROP COLUMN plan_choice`);
    await q.query(`ALTER TABLE storyboards DROP CONSTRAINT storyboards_status_check`);
    await q.query(`ALTER TABLE storyboards ADD CONSTRAINT storyboards_status_check CHECK (status IN ('PLANNED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED'))`);
  }
}
