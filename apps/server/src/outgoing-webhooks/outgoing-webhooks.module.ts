import { BullModule } from '@nestjs/bull';
import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { BoxesModule } from '../boxes/boxes.module.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { OUTGOING_WEBHOOKS_QUEUE } from './outgoing-webhooks.jobs.js';
import { OutgoingWebhooksController } from './outgoing-webhooks.controller.js';
import { OutgoingWebhooksService } from './outgoing-webhooks.service.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';

/**
 * Outgoing webhooks (Standard Webhooks): every process turns the box events it publishes into
 * deliveries (WebhookDispatcher); workers send them with retries (WebhookDeliveryProcessor); the
 * API serves `/api/boxes/:id/webhooks`.
 */
@Module({})
export class OutgoingWebhooksModule {
  static register(opts: { api: boolean; worker: boolean }): DynamicModule {
    return {
      module: OutgoingWebhooksModule,
      imports: [BullModule.registerQueue({ name: OUTGOING_WEBHOOKS_QUEUE }), AuthModule, BoxesModule, ProvidersModule, RealtimeModule],
      controllers: opts.api ? [OutgoingWebhooksController] : [],
      providers: [
        WebhookEndpointsRepository, WebhookDeliveriesRepository, WebhookDispatcher, WebhookDeliveryService, OutgoingWebhooksService,
        ...(opts.worker ? [WebhookDeliveryProcessor] : []),
      ],
      exports: [WebhookDispatcher],
    };
  }
}
export { WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entity.js';
