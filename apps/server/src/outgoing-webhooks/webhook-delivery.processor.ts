import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { type QueueDrain, QueueDrains } from '../common/queue-drain.js';
import { OUTGOING_WEBHOOKS_QUEUE, type OutgoingWebhookJobs } from './outgoing-webhooks.jobs.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { DeliveryRetry, WebhookDeliveryService } from './webhook-delivery.service.js';

/** Deliveries at once per worker process: receivers are slow at worst, never CPU. */
const CONCURRENCY = 8;
/** Settled deliveries are kept this many days, and looked for once an hour. */
const KEEP_DAYS = 30;
const PRUNE_EVERY_MS = 3600_000;

/**
 * Runs `deliver` jobs (ROLE=worker or all): unwraps the job, calls one service method. On a
 * graceful stop a delivery still waiting for its receiver is handed back (QueueDrain): another
 * worker sends it again at once, with the tries it had left.
 */
@Injectable()
export class WebhookDeliveryProcessor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private pruner: NodeJS.Timeout | null = null;
  private readonly drain: QueueDrain;

  constructor(
    @InjectQueue(OUTGOING_WEBHOOKS_QUEUE) private readonly queue: Queue,
    private readonly delivery: WebhookDeliveryService,
    private readonly deliveries: WebhookDeliveriesRepository,
    drains: QueueDrains,
  ) {
    this.drain = drains.for(queue);
  }

  onModuleInit() {
    this.drain.process('deliver', CONCURRENCY, (job: Job<OutgoingWebhookJobs['deliver']>) => this.drain.run(job, async () => {
      try {
        // a copy handed back by a stopping worker counts the tries that one had spent
        await this.delivery.attempt(job.data.deliveryId, (job.data.triesBefore ?? 0) + job.attemptsMade + 1);
      } catch (err) {
        if (!(err instanceof DeliveryRetry)) this.logger.error(`deliver ${job.id}: ${(err as Error).stack ?? err}`);
        throw err; // Bull retries it after its backoff
      }
    }));

    this.pruner = setInterval(() => {
      this.deliveries.prune(KEEP_DAYS).catch((err) => this.logger.warn(`old deliveries not pruned: ${(err as Error).message}`));
    }, PRUNE_EVERY_MS).unref();
  }

  async onApplicationShutdown() {
    if (this.pruner) clearInterval(this.pruner);
    await this.queue.close().catch(() => undefined);
  }
}
