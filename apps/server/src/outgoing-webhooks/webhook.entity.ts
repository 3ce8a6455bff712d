import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** The `webhook_endpoints` table (migration 1796181618687-outgoing-webhooks): described for TypeORM; queries stay in the repositories. */
@Entity('webhook_endpoints')
@Index('webhook_endpoints_box', ['box_id'], { where: 'is_active' })
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'webhook_endpoints_pkey' }) id!: string;
  @ForeignKey('boxes', { name: 'webhook_endpoints_box_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid') box_id!: string;
  @Column('text') url!: string;
  /** The whsec_ secret, sealed with APP_SECRET. */
  @Column('text') secret_encrypted!: string;
  @Column('text', { array: true }) events!: string[];
  @Column('text', { nullable: true }) description!: string | null;
  @Column('boolean', { default: false }) allow_private_network!: boolean;
  @Column('boolean', { default: true }) is_active!: boolean;
  @Column('text', { nullable: true }) disabled_reason!: string | null;
  @Column('timestamptz', { nullable: true }) disabled_at!: Date | null;
  @ForeignKey('users', { name: 'webhook_endpoints_created_by_fkey', onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true }) created_by!: string | null;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at!: Date;
}

/** The `webhook_deliveries` table: one event's delivery to one endpoint, unique per (endpoint, event id). */
@Entity('webhook_deliveries')
@Check('webhook_deliveries_status_check', "status IN ('pending', 'delivered', 'failed')")
@Unique('webhook_deliveries_endpoint_id_event_id_key', ['endpoint_id', 'event_id'])
// (endpoint_id, created_at DESC): an endpoint's deliveries newest first; TypeORM has no per-column order, the migration owns it
@Index('webhook_deliveries_recent', { synchronize: false })
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'webhook_deliveries_pkey' }) id!: string;
  @ForeignKey('webhook_endpoints', { name: 'webhook_deliveries_endpoint_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid') endpoint_id!: string;
  /** The webhook-id header. */
  @Column('text') event_id!: string;
  @Column('text') event_type!: string;
  @Column('bigint') seq!: string;
  @Column('jsonb') payload!: unknown;
  @Column('text', { default: 'pending' }) status!: string;
  @Column('integer', { default: 0 }) attempts!: number;
  @Column('integer', { nullable: true }) response_status!: number | null;
  @Column('integer', { nullable: true }) response_ms!: number | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('timestamptz', { nullable: true }) next_attempt_at!: Date | null;
  @Column('timestamptz', { nullable: true }) last_attempt_at!: Date | null;
  @Column('timestamptz', { nullable: true }) delivered_at!: Date | null;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
}
