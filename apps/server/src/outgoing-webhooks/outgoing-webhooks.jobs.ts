import type { HandedBack } from '../common/queue-drain.js';

export const OUTGOING_WEBHOOKS_QUEUE = 'outgoing-webhooks';

/** The queue's one job: try a delivery (Bull retries it with exponential backoff). */
export interface OutgoingWebhookJobs {
  deliver: { deliveryId: string } & HandedBack;
}
