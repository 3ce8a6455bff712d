/** Event types a box's outgoing webhook endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = ['asset.created', 'asset.updated', 'asset.completed', 'asset.failed', 'member.changed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** An endpoint a box's owner registered; its secret is only in the answer that created it. */
export interface WebhookEndpointDto {
  id: string;
  box_id: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  /** Set by an admin: the URL may be on a private or loopback network (and plain http). */
  allow_private_network: boolean;
  is_active: boolean;
  /** Why Genbox turned it off (it kept failing), or null. */
  disabled_reason: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

/** `POST /api/boxes/:id/webhooks` answers the endpoint with its signing secret (`whsec_…`), this once. */
export interface WebhookEndpointCreatedDto extends WebhookEndpointDto { secret: string }

export interface CreateWebhookRequest { url: string; events?: WebhookEventType[]; description?: string; allow_private_network?: boolean }
export interface UpdateWebhookRequest { url?: string; events?: WebhookEventType[]; description?: string | null; allow_private_network?: boolean; is_active?: boolean }

/** pending: an attempt is due (or running); delivered: a 2xx came back; failed: every attempt failed, or the endpoint was turned off. */
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveryDto {
  id: string;
  endpoint_id: string;
  /** The `webhook-id` header: the same on every attempt and re-send of this event. */
  event_id: string;
  event_type: WebhookEventType;
  /** The box seq of the change (also in the payload). */
  seq: number;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** HTTP status of the last attempt (null when it got no answer). */
  response_status: number | null;
  /** ms the last attempt took. */
  response_ms: number | null;
  error: string | null;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
}

/** The JSON body Genbox POSTs: `data` is the socket event's payload (with `box_id` and `seq`). */
export interface WebhookPayload<D extends object = object> { type: WebhookEventType; timestamp: string; data: D & { box_id: string; seq: number } }
