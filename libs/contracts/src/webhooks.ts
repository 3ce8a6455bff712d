import { z } from 'zod';
import { Timestamp } from './user.js';

/** Event types a box's outgoing webhook endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = ['asset.created', 'asset.updated', 'asset.completed', 'asset.failed', 'member.changed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const endpointFields = {
  id: z.string(),
  box_id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  description: z.string().nullable(),
  allow_private_network: z.boolean().describe('Set by an admin: the URL may be on a private or loopback network (and plain http)'),
  is_active: z.boolean(),
  disabled_reason: z.string().nullable().describe('Why Genbox turned it off (it kept failing), or null'),
  disabled_at: Timestamp.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
};

/** An endpoint a box's owner registered; its secret is only in the answer that created it. */
export const WebhookEndpointDto = z.strictObject(endpointFields).meta({ id: 'WebhookEndpoint' });
export type WebhookEndpointDto = z.infer<typeof WebhookEndpointDto>;

/** `POST /api/boxes/:id/webhooks` answers the endpoint with its signing secret (`whsec_…`), this once. */
export const WebhookEndpointCreatedDto = z.strictObject({ ...endpointFields, secret: z.string().describe('whsec_…: verify deliveries with it (Standard Webhooks); shown this once') });
export type WebhookEndpointCreatedDto = z.infer<typeof WebhookEndpointCreatedDto>;

const Url = z.string().trim().max(2000).url('must be a URL');
const Events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1, 'pick at least one event type')
  .transform((e) => [...new Set(e)]);
const Description = z.string().trim().max(200);

export const CreateWebhookRequest = z
  .object({ url: Url, events: Events.optional().describe('All event types when left out'), description: Description.optional(), allow_private_network: z.boolean().optional() })
  .meta({ examples: [{ url: 'https://hooks.example.com/genbox', events: ['asset.completed', 'asset.failed'] }] });
export type CreateWebhookRequest = z.input<typeof CreateWebhookRequest>;
export const UpdateWebhookRequest = z.object({
  url: Url.optional(),
  events: Events.optional(),
  description: Description.nullable().optional(),
  allow_private_network: z.boolean().optional(),
  is_active: z.boolean().optional().describe('true turns it back on and clears disabled_reason'),
});
export type UpdateWebhookRequest = z.input<typeof UpdateWebhookRequest>;

/** pending: an attempt is due (or running); delivered: a 2xx came back; failed: every attempt failed, or the endpoint was turned off. */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const WebhookDeliveryDto = z
  .strictObject({
    id: z.string(),
    endpoint_id: z.string(),
    event_id: z.string().describe('The `webhook-id` header: the same on every attempt and re-send of this event'),
    event_type: z.enum(WEBHOOK_EVENT_TYPES),
    seq: z.number().describe('The box seq of the change (also in the payload)'),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int(),
    response_status: z.number().int().nullable().describe('HTTP status of the last attempt (null when it got no answer)'),
    response_ms: z.number().nullable().describe('ms the last attempt took'),
    error: z.string().nullable(),
    next_attempt_at: Timestamp.nullable(),
    last_attempt_at: Timestamp.nullable(),
    delivered_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDeliveryDto = z.infer<typeof WebhookDeliveryDto>;

/** The JSON body Genbox POSTs: `data` is the socket event's payload (with `box_id` and `seq`). */
export interface WebhookPayload<D extends object = object> { type: WebhookEventType; timestamp: string; data: D & { box_id: string; seq: number } }
