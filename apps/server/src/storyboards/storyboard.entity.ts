import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** The `storyboards` table (migration 1796180825158-storyboards): described for TypeORM; queries stay in the repository. */
@Entity('storyboards')
export class StoryboardEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') box_id!: string;
  @Column('uuid', { nullable: true }) created_by!: string | null;
  @Column('text') prompt!: string;
  @Column('uuid') model_id!: string;
  @Column('jsonb', { default: () => "'{}'" }) generation_config!: Record<string, unknown>;
  @Column('uuid', { nullable: true }) image_asset_id!: string | null;
  /** Who planned it: `local`, or `<provider>: <chat model>`. */
  @Column('text') planner!: string;
  /** What the plan and continuity jobs call: `"local"` or `{provider_id, model}`. */
  @Column('jsonb', { default: () => `'"local"'` }) plan_choice!: unknown;
  /** Scenes asked for (the estimate while PLANNING, before there are scenes). */
  @Column('smallint') scene_count!: number;
  @Column('text') status!: string;
  @Column('text', { nullable: true }) error_message!: string | null;
  @Column('uuid', { nullable: true }) final_asset_id!: string | null;
  /** Credits of finished scene videos that a retry replaced. */
  @Column('numeric', { default: 0 }) discarded_cost!: string;
  /** Expected seconds per scene, measured when planned. */
  @Column('integer') scene_seconds!: number;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at!: Date;
  @Column('timestamptz', { nullable: true }) drafted_at!: Date | null;
  @Column('timestamptz', { nullable: true }) planned_at!: Date | null;
  @Column('timestamptz', { nullable: true }) started_at!: Date | null;
  @Column('timestamptz', { nullable: true }) completed_at!: Date | null;
}

/** The `storyboard_scenes` table: one row per scene, keyed by its storyboard and place. */
@Entity('storyboard_scenes')
export class StoryboardSceneEntity {
  @PrimaryColumn('uuid') storyboard_id!: string;
  @PrimaryColumn('smallint') index!: number;
  @Column('text') prompt!: string;
  @Column('uuid', { nullable: true }) asset_id!: string | null;
  @Column('uuid', { nullable: true }) frame_asset_id!: string | null;
}
