import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Storyboards (one idea planned into scenes, run into one film) and their scenes. */
export class Storyboards1796180825158 implements MigrationInterface {
  name = 'Storyboards1796180825158';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE storyboards (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        box_id uuid NOT NULL REFERENCES boxes(id) ON DELETE CASCADE,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        prompt text NOT NULL,
        model_id uuid NOT NULL REFERENCES ai_models(id),
        generation_config jsonb NOT NULL DEFAULT '{}',
        image_asset_id uuid REFERENCES assets(id) ON DELETE SET NULL,
        planner text NOT NULL,
        status text NOT NULL CHECK (status IN ('PLANNED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED')),
        error_message text,
        final_asset_id uuid REFERENCES assets(id) ON DELETE SET NULL,
        -- credits of finished scene videos a retry replaced: cost so far = this + the current finished scenes
        discarded_cost numeric NOT NULL DEFAULT 0,
        -- expected seconds per scene, from the model's recent generations when planned
        scene_seconds integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        planned_at timestamptz,
        started_at timestamptz,
        completed_at timestamptz
      )`);
    await q.query(`CREATE INDEX storyboards_box ON storyboards (box_id, created_at DESC)`);
    // workers sweep the running ones
    await q.query(`CREATE INDEX storyboards_running ON storyboards (id) WHERE status = 'RUNNING'`);
    await q.query(`
      CREATE TABLE storyboard_scenes (
        storyboard_id uuid NOT NULL REFERENCES storyboards(id) ON DELETE CASCADE,
        index smallint NOT NULL CHECK (index >= 0),
        prompt text NOT NULL,
        asset_id uuid REFERENCES assets(id) ON DELETE SET NULL,
        frame_asset_id uuid REFERENCES assets(id) ON DELETE SET NULL,
        PRIMARY KEY (storyboard_id, index)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS storyboard_scenes`);
    await q.query(`DROP TABLE IF EXISTS storyboards`);
  }
}
