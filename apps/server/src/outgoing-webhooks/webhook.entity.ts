import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The `webhook_endpoints` table (migration 1796181618687-outgoing-webhooks): described for TypeORM; queries stay in the repositories. */
@Entity('webhook_endpoints')
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
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
  @Column('uuid', { nullable: true }) created_by!: string | null;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at!: Date;
}

/** The `webhook_deliveries` table: one event's delivery to one endpoint, unique per (endpoint, event id). */
@Entity('webhook_deliveries')
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
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
