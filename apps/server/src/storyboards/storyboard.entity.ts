import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** The `storyboards` table (migration 1796180825158-storyboards): described for TypeORM; queries stay in the repository. */
@Entity('storyboards')
@Check('storyboards_status_check', "status IN ('PLANNING', 'PLANNED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED')")
// (box_id, created_at DESC): a box's storyboards newest first; TypeORM has no per-column order, the migration owns it
@Index('storyboards_box', { synchronize: false })
@Index('storyboards_active', ['id'], { where: "status IN ('PLANNING', 'RUNNING')" })
export class StoryboardEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'storyboards_pkey' }) id!: string;
  @ForeignKey('boxes', { name: 'storyboards_box_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid') box_id!: string;
  @ForeignKey('users', { name: 'storyboards_created_by_fkey', onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true }) created_by!: string | null;
  @Column('text') prompt!: string;
  @ForeignKey('ai_models', { name: 'storyboards_model_id_fkey' })
  @Column('uuid') model_id!: string;
  @Column('jsonb', { default: () => "'{}'" }) generation_config!: Record<string, unknown>;
  @ForeignKey('assets', { name: 'storyboards_image_asset_id_fkey', onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true }) image_asset_id!: string | null;
  /** Who planned it: `local`, or `<provider>: <chat model>`. */
  @Column('text') planner!: string;
  /** What the plan and continuity jobs call: `"local"` or `{provider_id, model}`. */
  @Column('jsonb', { default: () => `'"local"'` }) plan_choice!: unknown;
  /** Scenes asked for (the estimate while PLANNING, before there are scenes). */
  @Column('smallint') scene_count!: number;
  @Column('text') status!: string;
  /** The technical reason it failed, with the provider's words: admins only. */
  @Column('text', { nullable: true }) error_message!: string | null;
  /** What every member reads when it failed: `{message, fixed_by, retry_helps}` (migration 1796191800000). */
  @Column('jsonb', { nullable: true }) failure!: unknown;
  @ForeignKey('assets', { name: 'storyboards_final_asset_id_fkey', onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true }) final_asset_id!: string | null;
  /** Credits of finished scene videos that a retry replaced. */
  @Column('numeric', { default: 0 }) discarded_cost!: string;
  /** Expected seconds per scene, measured when planned. */
  @Column('integer') scene_seconds!: number;
  /** Seconds per scene (scene 1, later scenes) with their range and basis, measured when planned. */
  @Column('jsonb', { nullable: true }) time_estimate!: unknown;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at!: Date;
  @Column('timestamptz', { nullable: true }) drafted_at!: Date | null;
  @Column('timestamptz', { nullable: true }) planned_at!: Date | null;
  @Column('timestamptz', { nullable: true }) started_at!: Date | null;
  @Column('timestamptz', { nullable: true }) completed_at!: Date | null;
}

/** The `storyboard_scenes` table: one row per scene, keyed by its storyboard and place. */
@Entity('storyboard_scenes')
@Check('storyboard_scenes_index_check', 'index >= 0')
export class StoryboardSceneEntity {
  @ForeignKey('storyboards', { name: 'storyboard_scenes_storyboard_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'storyboard_scenes_pkey' }) storyboard_id!: string;
  @PrimaryColumn('smallint', { primaryKeyConstraintName: 'storyboard_scenes_pkey' }) index!: number;
  @Column('text') prompt!: string;
  @ForeignKey('assets', { name: 'storyboard_scenes_asset_id_fkey', onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true }) asset_id!: string | null;
  @ForeignKey('assets', { name: 'storyboard_scenes_frame_asset_id_fkey', onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true }) frame_asset_id!: string | null;
}
