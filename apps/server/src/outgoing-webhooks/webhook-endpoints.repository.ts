import { Inject, Injectable } from '@nestjs/common';
import type { WebhookEndpointDto, WebhookEventType } from '@genbox/contracts';
import { DATABASE } from '../common/tokens.js';
import type { Database } from '../database/database.js';

export interface EndpointRow {
  id: string; box_id: string; url: string; secret_encrypted: string; events: WebhookEventType[]; description: string | null;
  allow_private_network: boolean; is_active: boolean; disabled_reason: string | null; disabled_at: Date | null;
  created_by: string | null; created_at: Date; updated_at: Date;
}

export const toEndpointDto = (r: EndpointRow): WebhookEndpointDto => ({
  id: r.id, box_id: r.box_id, url: r.url, events: r.events, description: r.description, allow_private_network: r.allow_private_network,
  is_active: r.is_active, disabled_reason: r.disabled_reason, disabled_at: r.disabled_at?.toISOString() ?? null,
  created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString(),
});

export interface EndpointChanges { url?: string; events?: WebhookEventType[]; description?: string | null; allow_private_network?: boolean; is_active?: boolean }

/** The endpoints a box's owner registered. */
@Injectable()
export class WebhookEndpointsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async insert(e: { boxId: string; url: string; secretEncrypted: string; events: WebhookEventType[]; description: string | null; allowPrivateNetwork: boolean; createdBy: string }): Promise<EndpointRow> {
    const [r] = await this.db.query<EndpointRow>(
      `INSERT INTO webhook_endpoints (box_id, url, secret_encrypted, events, description, allow_private_network, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [e.boxId, e.url, e.secretEncrypted, e.events, e.description, e.allowPrivateNetwork, e.createdBy],
    );
    return r!;
  }

  async listOfBox(boxId: string): Promise<EndpointRow[]> {
    return this.db.query<EndpointRow>('SELECT * FROM webhook_endpoints WHERE box_id = $1 ORDER BY created_at, id', [boxId]);
  }

  /** Boxes with at least one active endpoint. */
  async boxesWithActive(): Promise<Set<string>> {
    return new Set((await this.db.query<{ box_id: string }>('SELECT DISTINCT box_id FROM webhook_endpoints WHERE is_active')).map((r) => r.box_id));
  }

  /** The active endpoints of a box: what every box event is matched against. */
  async activeOfBox(boxId: string): Promise<EndpointRow[]> {
    return this.db.query<EndpointRow>('SELECT * FROM webhook_endpoints WHERE box_id = $1 AND is_active', [boxId]);
  }

  async find(id: string): Promise<EndpointRow | null> {
    return (await this.db.query<EndpointRow>('SELECT * FROM webhook_endpoints WHERE id = $1', [id]))[0] ?? null;
  }

  /** Turning an endpoint back on clears why it was turned off. */
  async update(id: string, c: EndpointChanges): Promise<EndpointRow | null> {
    const [r] = await this.db.query<EndpointRow>(
      `UPDATE webhook_endpoints SET url = coalesce($2, url), events = coalesce($3, events),
         description = CASE WHEN $4::boolean THEN $5 ELSE description END,
         allow_private_network = coalesce($6, allow_private_network), is_active = coalesce($7, is_active),
         disabled_reason = CASE WHEN $7 THEN NULL ELSE disabled_reason END, disabled_at = CASE WHEN $7 THEN NULL ELSE disabled_at END,
         updated_at = now()
       WHERE id = $1 RETURNING *`,
      [id, c.url ?? null, c.events ?? null, c.description !== undefined, c.description ?? null, c.allow_private_network ?? null, c.is_active ?? null],
    );
    return r ?? null;
  }

  /** Turns it off with the reason shown to the owner; false when it already was off. */
  async disable(id: string, reason: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE webhook_endpoints SET is_active = false, disabled_reason = $2, disabled_at = now(), updated_at = now() WHERE id = $1 AND is_active RETURNING id`,
      [id, reason],
    );
    return rows.length > 0;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM webhook_endpoints WHERE id = $1 RETURNING id', [id])).length > 0;
  }
}
