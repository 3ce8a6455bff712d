import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The `assets` table (migrations initial-schema, analytics-indexes, pipeline-limits, asset-search,
 * asset-lineage, asset-batches): described for TypeORM; queries stay in the assets repositories. Its status moves
 * are guarded plain SQL (see assets.repository.ts), and the credits triggers of migration credits
 * fire on them; neither is something an entity can say.
 */
@Entity('assets')
@Check('assets_type_check', "type IN ('IMAGE', 'VIDEO')")
@Check('assets_status_check', "status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELED')")
@Check('assets_source_type_check', "source_type IN ('UPLOADED', 'GENERATED', 'IMG2VID')")
@Check('assets_progress_check', 'progress BETWEEN 0 AND 100')
@Check('assets_priority_check', 'priority BETWEEN 1 AND 100')
// the board's keyset pages: (box_id, created_at DESC, id DESC); TypeORM has no per-column order, the migration owns it
@Index('assets_box_created', { synchronize: false })
// prompt search: a trigram GIN index, which TypeORM cannot describe; the migration owns it
@Index('assets_prompt_trgm', { synchronize: false })
@Index('assets_external_task', ['external_task_id'], { where: 'external_task_id IS NOT NULL' })
@Index('assets_generated_created', ['created_at'], { where: "source_type <> 'UPLOADED'" })
@Index('assets_completed_at', ['completed_at'], { where: "status = 'COMPLETED'" })
@Index('assets_in_flight', ['status'], { where: "status IN ('PENDING', 'PROCESSING')" })
@Index('assets_box_pending', ['box_id', 'priority', 'created_at'], { where: "status = 'PENDING'" })
@Index('assets_parent', ['parent_asset_id'], { where: 'parent_asset_id IS NOT NULL' })
@Index('assets_batch', ['batch_id'], { where: 'batch_id IS NOT NULL' })
export class AssetEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'assets_pkey' }) id!: string;
  @ForeignKey('boxes', { name: 'assets_box_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid') box_id!: string;
  @Column('text') type!: 'IMAGE' | 'VIDEO';
  @Column('text') status!: string;
  @Column('text') source_type!: 'UPLOADED' | 'GENERATED' | 'IMG2VID';
  @ForeignKey('assets', { name: 'assets_parent_asset_id_fkey', onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true }) parent_asset_id!: string | null;
  @ForeignKey('ai_models', { name: 'assets_model_id_fkey', onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true }) model_id!: string | null;
  @Column('text', { nullable: true }) prompt!: string | null;
  @Column('jsonb', { default: () => "'{}'" }) generation_config!: Record<string, unknown>;
  @Column('text', { nullable: true }) external_task_id!: string | null;
  /** The pipeline's marker while it works (e.g. `submitting:<chain>`), or the provider's own words. */
  @Column('text', { nullable: true }) provider_state!: string | null;
  @Column('text', { nullable: true }) error_code!: string | null;
  @Column('text', { nullable: true }) error_message!: string | null;
  @Column('smallint', { nullable: true }) progress!: number | null;
  @Column('text', { nullable: true }) storage_key!: string | null;
  @Column('text', { nullable: true }) mime_type!: string | null;
  @Column('bigint', { nullable: true }) size_bytes!: string | null;
  @Column('integer', { nullable: true }) width!: number | null;
  @Column('integer', { nullable: true }) height!: number | null;
  @Column('real', { nullable: true }) duration_s!: number | null;
  @Column('text', { nullable: true }) thumbnail_key!: string | null;
  /** The secret in the provider's callback URL. */
  @Column('text', { nullable: true }) webhook_token!: string | null;
  @ForeignKey('users', { name: 'assets_created_by_fkey', onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true }) created_by!: string | null;
  /** Milliseconds, as JavaScript dates carry them: list cursors round-trip exactly. */
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', clock_timestamp())" }) created_at!: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at!: Date;
  @Column('timestamptz', { nullable: true }) started_at!: Date | null;
  @Column('timestamptz', { nullable: true }) completed_at!: Date | null;
  /** The attempt number: bumped by every retry. */
  @Column('integer', { default: 0 }) attempts!: number;
  /** Bull's priority: 1 runs first; null after every prioritized one. */
  @Column('smallint', { nullable: true }) priority!: number | null;
  /** Shared by every asset of one generate call with count > 1; null for single runs and uploads. */
  @Column('uuid', { nullable: true }) batch_id!: string | null;
}

/** The `asset_events` table: the history row of every status move, written in the same statement as the move. */
@Entity('asset_events')
@Index('asset_events_asset', ['asset_id', 'id'])
@Index('asset_events_finished', ['to_status', 'asset_id'], { where: "to_status IN ('COMPLETED', 'FAILED', 'CANCELED')" })
export class AssetEventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'asset_events_pkey' }) id!: string;
  @ForeignKey('assets', { name: 'asset_events_asset_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid') asset_id!: string;
  @Column('text', { nullable: true }) from_status!: string | null;
  @Column('text') to_status!: string;
  @Column('timestamptz', { default: () => 'now()' }) at!: Date;
  @Column('jsonb', { nullable: true }) detail!: unknown;
}
