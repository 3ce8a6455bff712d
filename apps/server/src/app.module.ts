import { BullModule } from '@nestjs/bull';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { AnalyticsController } from './analytics/analytics.controller.js';
import { AnalyticsRepository } from './analytics/analytics.repository.js';
import { AnalyticsService } from './analytics/analytics.service.js';
import { AssetMapper } from './assets/asset.mapper.js';
import { AssetNotifier } from './assets/asset.notifier.js';
import { AssetsController } from './assets/assets.controller.js';
import { AssetListRepository } from './assets/asset-list.repository.js';
import { AssetsRepository } from './assets/assets.repository.js';
import { AssetsService } from './assets/assets.service.js';
import { FileDeliveryService } from './assets/file-delivery.service.js';
import { FileUrls } from './assets/file-urls.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthService } from './auth/auth.service.js';
import { TokenService } from './auth/token.service.js';
import { UsersRepository } from './auth/users.repository.js';
import { BoxAccessService } from './boxes/box-access.service.js';
import { BoxesController } from './boxes/boxes.controller.js';
import { BoxesRepository } from './boxes/boxes.repository.js';
import { BoxesService } from './boxes/boxes.service.js';
import { CatalogController } from './catalog/catalog.controller.js';
import { CatalogRepository } from './catalog/catalog.repository.js';
import { CatalogService } from './catalog/catalog.service.js';
import { CatalogImportService } from './catalog/catalog-import.service.js';
import { ModelImportModule } from './catalog/model-import.module.js';
import { SECRET_BOX } from './catalog/catalog.tokens.js';
import { SecretBox } from './catalog/secret-box.js';
import { AuthGuard } from './common/auth.guard.js';
import { ErrorFilter } from './common/error.filter.js';
import { CreditsModule } from './credits/credits.module.js';
import { OutgoingWebhooksModule } from './outgoing-webhooks/outgoing-webhooks.module.js';
import { Signer } from './common/signer.js';
import type { AppConfig } from './config/env.js';
import { redisOptions } from './config/redis-options.js';
import { CONFIG, DATABASE, REDIS, SIGNER, STORAGE } from './core/tokens.js';
import type { Database } from './database/database.js';
import { AdapterRegistry } from './generation/adapter.registry.js';
import { GenerateService } from './generation/generate.service.js';
import { GENERATION_QUEUE } from './generation/generation.jobs.js';
import { GenerationProcessor } from './generation/generation.processor.js';
import { GenerationQueue, PROVIDER_BACKOFF, QUEUE_RETRY_PROCESS_MS, providerBackoff } from './generation/generation.queue.js';
import { GenerationService } from './generation/generation.service.js';
import { BoxQueueController } from './generation/box-queue.controller.js';
import { BoxQueueService } from './generation/box-queue.service.js';
import { AssetOutcomes } from './generation/asset-outcomes.service.js';
import { FinishService } from './generation/finish.service.js';
import { CatalogCache } from './generation/catalog.cache.js';
import { ProviderLimiter } from './generation/provider-limiter.js';
import { QueueReconciler } from './generation/queue-reconciler.service.js';
import { SubmitRequestBuilder } from './generation/submit-request.builder.js';
import { HealthController } from './health/health.controller.js';
import { HealthDetailsController } from './health/health-details.controller.js';
import { QueueBoardAccess } from './admin-queues/queue-board.access.js';
import { QueueBoardController } from './admin-queues/queue-board.controller.js';
import { DependencyProbes } from './common/dependency-probes.js';
import { ShutdownState } from './common/shutdown-state.js';
import { DocsController } from './docs/docs.controller.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsRepository } from './metrics/metrics.repository.js';
import { MetricsService } from './metrics/metrics.service.js';
import { WebhookVerdicts } from './metrics/webhook-verdicts.js';
import { BoxGateway } from './realtime/box.gateway.js';
import { BoxEventsController } from './realtime/box-events.controller.js';
import { BoxEventsService } from './realtime/box-events.service.js';
import { RealtimePublisher } from './realtime/realtime.publisher.js';
import type { StorageDriver } from './storage/storage.port.js';
import { storyboardsFeature } from './storyboards/storyboards.module.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { WebhooksService } from './webhooks/webhooks.service.js';

/** What main.ts builds before Nest starts: config with its secret resolved, connections, storage. */
export interface Runtime {
  config: AppConfig & { appSecret: string };
  database: Database;
  redis: Redis;
  storage: StorageDriver;
}

/** The whole server; ROLE picks whether the HTTP side (controllers, gateway) and/or the worker run. */
@Module({})
export class AppModule {
  static forRoot(rt: Runtime): DynamicModule {
    const api = rt.config.role !== 'worker';
    const worker = rt.config.role !== 'api';
    const core: Provider[] = [
      { provide: CONFIG, useValue: rt.config },
      { provide: DATABASE, useValue: rt.database },
      { provide: REDIS, useValue: rt.redis },
      // concurrency and create-rate limits per provider, shared by every worker through Redis
      { provide: ProviderLimiter, useValue: new ProviderLimiter(rt.redis, rt.config.redisPrefix) },
      { provide: STORAGE, useValue: rt.storage },
      { provide: SIGNER, useValue: new Signer(rt.config.appSecret) },
      { provide: SECRET_BOX, useValue: new SecretBox(rt.config.appSecret) },
    ];
    const services: Provider[] = [
      UsersRepository, TokenService, AuthService, BoxesRepository, BoxAccessService, BoxesService, RealtimePublisher,
      AssetsRepository, AssetListRepository, AssetMapper, AssetNotifier, FileUrls, AssetsService, FileDeliveryService,
      CatalogRepository, CatalogService, CatalogImportService, AdapterRegistry, CatalogCache, GenerationQueue, SubmitRequestBuilder, AssetOutcomes, GenerationService, FinishService, BoxQueueService, GenerateService, WebhooksService,
      WebhookVerdicts, AnalyticsRepository, AnalyticsService, MetricsRepository, MetricsService,
      DependencyProbes, ShutdownState,
    ];
    const storyboards = storyboardsFeature({ api, worker }, rt.config.queue);
    return {
      module: AppModule,
      // feature modules (credits, …) use the core providers and services exported below
      global: true,
      imports: [
        ...storyboards.imports,
        BullModule.forRoot({ redis: redisOptions(rt.config.redisUrl), prefix: rt.config.redisPrefix }),
        CreditsModule.register({ api }),
        ModelImportModule.register({ api }),
        OutgoingWebhooksModule.register({ api, worker }),
        BullModule.registerQueue({ name: GENERATION_QUEUE, settings: { lockDuration: rt.config.queue.lockDurationMs, stalledInterval: rt.config.queue.stalledIntervalMs, maxStalledCount: 3, retryProcessDelay: QUEUE_RETRY_PROCESS_MS, backoffStrategies: { [PROVIDER_BACKOFF]: providerBackoff } } }),
      ],
      // a worker answers /api/health too, for container health checks
      controllers: api ? [AuthController, BoxesController, AssetsController, CatalogController, WebhooksController, HealthController, AnalyticsController, MetricsController, BoxEventsController, DocsController, BoxQueueController, ...storyboards.controllers, HealthDetailsController, QueueBoardController] : [HealthController],
      providers: [
        ...core,
        ...services,
        ...storyboards.providers,
        ...(api ? [BoxGateway, BoxEventsService, QueueBoardAccess, { provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_FILTER, useClass: ErrorFilter }] : []),
        ...(worker ? [GenerationProcessor, QueueReconciler] : []),
      ],
      exports: [...services.filter((p): p is typeof AuthService => typeof p === 'function'), CONFIG, DATABASE, REDIS, SECRET_BOX],
    };
  }
}
