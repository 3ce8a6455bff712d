import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A storyboard's failure is kept twice, as for assets: `failure` is the sentence every member
 * reads (who can fix it), error_message the technical detail admins read. `time_estimate` holds
 * the seconds per scene measured when planned (scene 1 and later scenes, each from its own
 * model's recent runs or its provider kind's default), with a range and its basis. Older rows
 * keep null in both: they read a general failure sentence and their one scene_seconds figure.
 */
export class StoryboardFailuresEstimates1796191800000 implements MigrationInterface {
  name = 'StoryboardFailuresEstimates1796191800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE storyboards ADD COLUMN failure jsonb, ADD COLUMN time_estimate jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE storyboards DROP COLUMN IF EXISTS time_estimate, DROP COLUMN IF EXISTS failure`);
  }
}
