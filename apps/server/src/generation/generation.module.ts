import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AssetsModule } from '../assets/assets.module.js';
import { BoxesModule } from '../boxes/boxes.module.js';
import { CreditsModule } from '../credits/credits.module.js';
import { CONFIG, REDIS } from '../common/tokens.js';
import type { AppConfig } from '../config/env.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { AdapterRegistry } from './adapter.registry.js';
import { AssetOutcomes } from './asset-outcomes.service.js';
import { BatchesController } from './batches.controller.js';
import { BatchesService } from './batches.service.js';
import { BoxQueueController } from './box-queue.controller.js';
import { BoxQueueService } from './box-queue.service.js';
import { CatalogCache } from './catalog.cache.js';
import { FinishStep } from './finish.step.js';
import { GenerationRequests } from './generation-requests.service.js';
import { GenerationController } from './generation.controller.js';
import { GENERATION_QUEUE } from './generation.jobs.js';
import { GenerationProcessor } from './generation.processor.js';
import { GenerationQueue, PROVIDER_BACKOFF, QUEUE_RETRY_PROCESS_MS, providerBackoff } from './generation.queue.js';
import { ModelTrialController } from './model-trial.controller.js';
import { ModelTrialService } from './model-trial.service.js';
import { PollStep } from './poll.step.js';
import { ProviderCalls } from './provider-calls.js';
import { ProviderLimiter } from './provider-limiter.js';
import { ProviderResults } from './provider-results.js';
import { QueueReconciler } from './queue-reconciler.service.js';
import { SubmitRequestBuilder } from './submit-request.builder.js';
import { SubmitStep } from './submit.step.js';

/** Generations: starting them, the Bull queue and the steps that drive an asset through its provider. */
@Module({
  imports: [
    BullModule.registerQueueAsync({
      name: GENERATION_QUEUE,
      inject: [CONFIG],
      useFactory: (config: AppConfig) => ({
        settings: { lockDuration: config.queue.lockDurationMs, stalledInterval: config.queue.stalledIntervalMs, maxStalledCount: 3, retryProcessDelay: QUEUE_RETRY_PROCESS_MS, backoffStrategies: { [PROVIDER_BACKOFF]: providerBackoff } },
      }),
    }),
    AssetsModule, BoxesModule, CreditsModule, ProvidersModule, RealtimeModule,
  ],
  providers: [
    // concurrency and create-rate limits per provider, shared by every worker through Redis
    { provide: ProviderLimiter, inject: [REDIS, CONFIG], useFactory: (redis: Redis, config: AppConfig) => new ProviderLimiter(redis, config.redisPrefix) },
    AdapterRegistry, CatalogCache, GenerationQueue, SubmitRequestBuilder, AssetOutcomes, ProviderCalls, ProviderResults,
    SubmitStep, PollStep, FinishStep, BoxQueueService, GenerationRequests, BatchesService, ModelTrialService,
  ],
  // other features: storyboards start (queue) and cancel (calls) generations, webhooks ask for a poll
  // and read adapters, metrics count the queue; the API module below: what its routes call; the
  // worker module: the steps its processor runs
  exports: [
    GenerationQueue, ProviderCalls, PollStep, AdapterRegistry, ProviderLimiter,
    GenerationRequests, BoxQueueService, BatchesService,
    SubmitStep, FinishStep, AssetOutcomes, SubmitRequestBuilder, ModelTrialService,
  ],
})
export class GenerationModule {}

/** Routes: generate, cancel, retry, a batch and its cancel-all, pause and resume a box's queue, and an admin's test generation (ROLE=api|all). */
@Module({
  imports: [GenerationModule],
  controllers: [GenerationController, BoxQueueController, BatchesController, ModelTrialController],
})
export class GenerationApiModule {}

/** The worker side: runs the queue's jobs and gives lost ones back (ROLE=worker|all). */
@Module({
  imports: [GenerationModule, AssetsModule, BoxesModule],
  providers: [GenerationProcessor, QueueReconciler],
})
export class GenerationWorkerModule {}
