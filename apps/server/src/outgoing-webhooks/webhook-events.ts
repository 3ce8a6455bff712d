import type { WebhookEventType, WebhookPayload } from '@genbox/contracts';
import type { SequencedEvent } from '../realtime/realtime.publisher.js';

/** One webhook event derived from a box event: its id (the `webhook-id`), type and body. */
export interface WebhookEvent { id: string; type: WebhookEventType; seq: number; payload: WebhookPayload }

/**
 * The webhook events a box event makes: asset.created, asset.updated (plus asset.completed or
 * asset.failed when the update finished it) and member.changed; other box events make none.
 * The id comes from the box and its seq, which the change took in its own transaction: whichever
 * process publishes it, and however often it is retried or re-sent, an event has this one id.
 */
export function webhookEventsOf(e: SequencedEvent, at: Date): WebhookEvent[] {
  const types: WebhookEventType[] = [];
  if (e.name === 'asset.created') types.push('asset.created');
  else if (e.name === 'asset.updated') {
    types.push('asset.updated');
    if (e.payload.asset.status === 'COMPLETED') types.push('asset.completed');
    if (e.payload.asset.status === 'FAILED') types.push('asset.failed');
  } else if (e.name === 'member.changed') types.push('member.changed');
  const { box_id: boxId, seq } = e.payload;
  return types.map((type) => ({
    id: `msg_${boxId.replace(/-/g, '')}_${seq}_${type.replace('.', '_')}`,
    type,
    seq,
    payload: { type, timestamp: at.toISOString(), data: e.payload },
  }));
}
