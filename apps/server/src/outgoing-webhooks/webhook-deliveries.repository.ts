import { Inject, Injectable } from '@nestjs/common';
import type { WebhookDeliveryDto, WebhookDeliveryStatus, WebhookEventType } from '@genbox/contracts';
import { DATABASE } from '../common/tokens.js';
import type { Database } from '../database/database.js';

export interface DeliveryRow {
  id: string; endpoint_id: string; event_id: string; event_type: WebhookEventType; seq: string; payload: unknown; status: WebhookDeliveryStatus;
  attempts: number; response_status: number | null; response_ms: number | null; error: string | null;
  next_attempt_at: Date | null; last_attempt_at: Date | null; delivered_at: Date | null; created_at: Date;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const toDeliveryDto = (r: DeliveryRow): WebhookDeliveryDto => ({
  id: r.id, endpoint_id: r.endpoint_id, event_id: r.event_id, event_type: r.event_type, seq: Number(r.seq), status: r.status, attempts: r.attempts,
  response_status: r.response_status, response_ms: r.response_ms, error: r.error, next_attempt_at: iso(r.next_attempt_at),
  last_attempt_at: iso(r.last_attempt_at), delivered_at: iso(r.delivered_at), created_at: r.created_at.toISOString(),
});

export interface AttemptOutcome { status: WebhookDeliveryStatus; responseStatus: number | null; responseMs: number | null; error: string | null; nextAttemptAt: Date | null }

/** Each event's delivery to each endpoint, with the outcome of its last attempt. */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** One row per (endpoint, event id); returns the ids of the rows this call created (a repeat creates none). */
  async insertMany(rows: { endpointId: string; eventId: string; eventType: WebhookEventType; seq: number; payload: unknown }[]): Promise<string[]> {
    if (!rows.length) return [];
    const created = await this.db.query<{ id: string }>(
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, seq, payload)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::jsonb[])
       ON CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING id`,
      [rows.map((r) => r.endpointId), rows.map((r) => r.eventId), rows.map((r) => r.eventType), rows.map((r) => r.seq), rows.map((r) => JSON.stringify(r.payload))],
    );
    return created.map((r) => r.id);
  }

  async find(id: string): Promise<DeliveryRow | null> {
    return (await this.db.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE id = $1', [id]))[0] ?? null;
  }

  async recent(endpointId: string, limit: number): Promise<DeliveryRow[]> {
    return this.db.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2', [endpointId, limit]);
  }

  async recordAttempt(id: string, o: AttemptOutcome): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, status = $2, response_status = $3, response_ms = $4, error = $5,
         next_attempt_at = $6, last_attempt_at = now(), delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END
       WHERE id = $1`,
      [id, o.status, o.responseStatus, o.responseMs, o.error, o.nextAttemptAt],
    );
  }

  /** A re-send: due again now. */
  async markPending(id: string): Promise<DeliveryRow | null> {
    return (await this.db.query<DeliveryRow>(`UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now() WHERE id = $1 RETURNING *`, [id]))[0] ?? null;
  }

  /** Forgets settled deliveries older than `days` (the list shows recent ones; nothing retries them). */
  async prune(days: number): Promise<number> {
    return (await this.db.query(`DELETE FROM webhook_deliveries WHERE created_at < now() - make_interval(days => $1) AND status <> 'pending' RETURNING 1`, [days])).length;
  }

  /** Deliveries still due when the endpoint was turned off: they will not be tried again. */
  async failPending(endpointId: string, reason: string): Promise<void> {
    await this.db.query(`UPDATE webhook_deliveries SET status = 'failed', error = $2, next_attempt_at = NULL WHERE endpoint_id = $1 AND status = 'pending'`, [endpointId, reason]);
  }
}
