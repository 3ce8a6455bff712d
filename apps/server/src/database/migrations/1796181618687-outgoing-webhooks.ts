import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outgoing webhooks: endpoints a box's owner registers, and each event's delivery to each of them. */
export class OutgoingWebhooks1796181618687 implements MigrationInterface {
  name = 'OutgoingWebhooks1796181618687';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        box_id uuid NOT NULL REFERENCES boxes(id) ON DELETE CASCADE,
        url text NOT NULL,
        -- the whsec_ signing secret, sealed with APP_SECRET (AES-256-GCM) like provider keys
        secret_encrypted text NOT NULL,
        events text[] NOT NULL,
        description text,
        allow_private_network boolean NOT NULL DEFAULT false,
        is_active boolean NOT NULL DEFAULT true,
        disabled_reason text,
        disabled_at timestamptz,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_endpoints_box ON webhook_endpoints (box_id) WHERE is_active`);
    // (endpoint, event id) is unique: an event reaches an endpoint under one id, whoever publishes it
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        event_id text NOT NULL,
        event_type text NOT NULL,
        seq bigint NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),
        attempts integer NOT NULL DEFAULT 0,
        response_status integer,
        response_ms integer,
        error text,
        next_attempt_at timestamptz,
        last_attempt_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (endpoint_id, event_id)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (endpoint_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS webhook_deliveries`);
    await q.query(`DROP TABLE IF EXISTS webhook_endpoints`);
  }
}
