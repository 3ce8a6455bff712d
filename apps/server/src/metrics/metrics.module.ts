import { Module } from '@nestjs/common';
import { GenerationModule } from '../generation/generation.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRepository } from './metrics.repository.js';
import { MetricsService } from './metrics.service.js';

/** `GET /metrics` for Prometheus (ROLE=api|all). */
@Module({
  imports: [GenerationModule, WebhooksModule],
  controllers: [MetricsController],
  providers: [MetricsRepository, MetricsService],
  exports: [],
})
export class MetricsModule {}
