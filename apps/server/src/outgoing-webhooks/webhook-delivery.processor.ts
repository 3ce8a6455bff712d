import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { OUTGOING_WEBHOOKS_QUEUE, type OutgoingWebhookJobs } from './outgoing-webhooks.jobs.js';
import { DeliveryRetry, WebhookDeliveryService } from './webhook-delivery.service.js';

/** Deliveries at once per worker process: receivers are slow at worst, never CPU. */
const CONCURRENCY = 8;

/** Runs `deliver` jobs (ROLE=worker or all): unwraps the job, calls one service method. */
@Injectable()
export class WebhookDeliveryProcessor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectQueue(OUTGOING_WEBHOOKS_QUEUE) private readonly queue: Queue,
    private readonly delivery: WebhookDeliveryService,
  ) {}

  onModuleInit() {
    void this.queue.process('deliver', CONCURRENCY, async (job: Job<OutgoingWebhookJobs['deliver']>) => {
      try {
        await this.delivery.attempt(job.data.deliveryId, job.attemptsMade + 1);
      } catch (err) {
        if (!(err instanceof DeliveryRetry)) this.logger.error(`deliver ${job.id}: ${(err as Error).stack ?? err}`);
        throw err; // Bull retries it after its backoff
      }
    });
  }

  async onApplicationShutdown() {
    await this.queue.close().catch(() => undefined);
  }
}
