import { Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module.js';
import { CreditsModule } from '../credits/credits.module.js';
import { GenerationModule } from '../generation/generation.module.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { WebhookVerdicts } from './webhook-verdicts.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/** Provider callbacks (ROLE=api|all): verified, then reconciled by a status read. */
@Module({
  imports: [AssetsModule, CreditsModule, ProvidersModule, GenerationModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookVerdicts],
  exports: [WebhookVerdicts],
})
export class WebhooksModule {}
