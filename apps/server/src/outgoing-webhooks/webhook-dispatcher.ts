import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import type { AppConfig } from '../config/env.js';
import { RefreshedValue } from '../common/refreshed-value.js';
import { CONFIG } from '../common/tokens.js';
import { RealtimePublisher, type SequencedEvent } from '../realtime/realtime.publisher.js';
import { OUTGOING_WEBHOOKS_QUEUE, type OutgoingWebhookJobs } from './outgoing-webhooks.jobs.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { webhookEventsOf } from './webhook-events.js';

/**
 * Turns box events into deliveries: every event this process publishes (after its change
 * committed) is matched against the box's active endpoints; each new (endpoint, event) row gets
 * a `deliver` job whose Bull id is the delivery id, so a repeat queues nothing.
 */
@Injectable()
export class WebhookDispatcher implements OnModuleInit {
  private readonly logger = new Logger('Webhooks');
  /**
   * Which boxes have an active endpoint, read at most every 2 s: most boxes have none, and a box
   * event (progress included) should not cost them a query. This process forgets it at once when
   * it changes an endpoint; another process sees a new endpoint within 2 s.
   */
  private readonly hooked = new RefreshedValue(() => this.endpoints.boxesWithActive(), 2000);

  constructor(
    private readonly realtime: RealtimePublisher,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    @InjectQueue(OUTGOING_WEBHOOKS_QUEUE) private readonly queue: Queue,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit() {
    this.realtime.tap((e) => {
      this.dispatch(e).catch((err) => this.logger.error(`webhooks for ${e.name} of box ${e.payload.box_id} (seq ${e.payload.seq}) were not queued: ${(err as Error).stack ?? err}`));
    });
  }

  async dispatch(e: SequencedEvent): Promise<void> {
    const events = webhookEventsOf(e, new Date());
    if (!events.length || !(await this.hooked.get()).has(e.payload.box_id)) return;
    const targets = await this.endpoints.activeOfBox(e.payload.box_id);
    const rows = targets.flatMap((t) => events.filter((ev) => t.events.includes(ev.type)).map((ev) => ({ endpointId: t.id, eventId: ev.id, eventType: ev.type, seq: ev.seq, payload: ev.payload })));
    for (const id of await this.deliveries.insertMany(rows)) await this.enqueue(id);
  }

  /** An endpoint was added, changed or removed here: match the next event against the database. */
  endpointsChanged(): void {
    this.hooked.invalidate();
  }

  /** `jobId`: the first try shares the delivery's id (dedup); a re-send gets its own. */
  async enqueue(deliveryId: string, jobId: string = deliveryId): Promise<void> {
    const { maxAttempts, retryBaseMs } = this.config.webhooks;
    const data: OutgoingWebhookJobs['deliver'] = { deliveryId };
    await this.queue.add('deliver', data, { jobId, attempts: maxAttempts, backoff: { type: 'exponential', delay: retryBaseMs }, removeOnComplete: true, removeOnFail: true });
  }
}
