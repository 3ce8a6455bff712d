import { BullModule } from '@nestjs/bull';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { AdminQueuesModule } from './admin-queues/admin-queues.module.js';
import { AnalyticsModule } from './analytics/analytics.module.js';
import { AssetsApiModule, AssetsModule, AssetsWorkerModule } from './assets/assets.module.js';
import { AuthApiModule, AuthModule } from './auth/auth.module.js';
import { BoxesApiModule, BoxesModule } from './boxes/boxes.module.js';
import { DependencyProbes } from './common/dependency-probes.js';
import { ErrorFilter } from './common/error.filter.js';
import { QueueDrains } from './common/queue-drain.js';
import { ShutdownState } from './common/shutdown-state.js';
import { Signer } from './common/signer.js';
import { CONFIG, DATABASE, REDIS, SIGNER, STORAGE } from './common/tokens.js';
import type { AppConfig } from './config/env.js';
import { redisOptions } from './config/redis-options.js';
import { CreditsApiModule, CreditsModule } from './credits/credits.module.js';
import type { Database } from './database/database.js';
import { DocsModule } from './docs/docs.module.js';
import { GenerationApiModule, GenerationModule, GenerationWorkerModule } from './generation/generation.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OutgoingWebhooksModule } from './outgoing-webhooks/outgoing-webhooks.module.js';
import { ProvidersApiModule, ProvidersModule } from './providers/providers.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import type { StorageDriver } from './storage/storage.port.js';
import { StoryboardsModule } from './storyboards/storyboards.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/** What main.ts builds before Nest starts: config with its secret resolved, connections, storage. */
export interface Runtime {
  config: AppConfig & { appSecret: string };
  database: Database;
  redis: Redis;
  storage: StorageDriver;
}

/**
 * The shared kernel every feature module may inject without importing it: config, connections,
 * storage, the signer, the dependency probes and the shutdown state.
 */
@Global()
@Module({})
class KernelModule {
  static forRoot(rt: Runtime): DynamicModule {
    const values = [
      { provide: CONFIG, useValue: rt.config },
      { provide: DATABASE, useValue: rt.database },
      { provide: REDIS, useValue: rt.redis },
      { provide: STORAGE, useValue: rt.storage },
      { provide: SIGNER, useValue: new Signer(rt.config.appSecret) },
    ];
    return { module: KernelModule, providers: [...values, DependencyProbes, ShutdownState, QueueDrains], exports: [...values.map((p) => p.provide), DependencyProbes, ShutdownState, QueueDrains] };
  }
}

/**
 * The whole server, one module per feature. ROLE picks which of them run here: the HTTP side
 * (routes, the socket gateway) for api|all, the queues' processors for worker|all; the feature
 * modules underneath (services, repositories) are the same in every process.
 */
@Module({})
export class AppModule {
  static forRoot(rt: Runtime): DynamicModule {
    const api = rt.config.role !== 'worker';
    const worker = rt.config.role !== 'api';
    return {
      module: AppModule,
      imports: [
        KernelModule.forRoot(rt),
        BullModule.forRoot({ redis: redisOptions(rt.config.redisUrl), prefix: rt.config.redisPrefix }),
        AuthModule, RealtimeModule, BoxesModule, CreditsModule, ProvidersModule, AssetsModule, GenerationModule,
        StoryboardsModule.register({ api, worker }, rt.config.queue),
        OutgoingWebhooksModule.register({ api, worker }),
        // a worker answers /api/health too, for container health checks
        HealthModule.register({ api }),
        ...(api ? [AuthApiModule, BoxesApiModule, CreditsApiModule, ProvidersApiModule, AssetsApiModule, GenerationApiModule, WebhooksModule, AnalyticsModule, MetricsModule, AdminQueuesModule, DocsModule] : []),
        ...(worker ? [GenerationWorkerModule, AssetsWorkerModule] : []),
      ],
      providers: api ? [{ provide: APP_FILTER, useClass: ErrorFilter }] : [],
    };
  }
}
