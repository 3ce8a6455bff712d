import { BullModule } from '@nestjs/bull';
import { type DynamicModule, Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module.js';
import { BoxesModule } from '../boxes/boxes.module.js';
import { CreditsModule } from '../credits/credits.module.js';
import { GenerationModule } from '../generation/generation.module.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { FilmMaker } from './film-maker.service.js';
import { StoryboardCanceler } from './storyboard-canceler.service.js';
import { StoryboardNotifier } from './storyboard.notifier.js';
import { StoryboardPlanSteps } from './storyboard-plan-steps.service.js';
import { StoryboardPlannerService } from './storyboard-planner.service.js';
import { StoryboardRunner } from './storyboard-runner.service.js';
import { StoryboardsController } from './storyboards.controller.js';
import { StoryboardsProcessor } from './storyboards.processor.js';
import { STORYBOARD_QUEUE, StoryboardsQueue } from './storyboards.queue.js';
import { StoryboardsRepository } from './storyboards.repository.js';
import { StoryboardsService } from './storyboards.service.js';

/**
 * The storyboards feature, by role: routes for api|all, the planning steps, the runner and its
 * queue's processor for worker|all. Only AppModule imports it (no feature builds on storyboards), so it can be one
 * dynamic module; others would see only what it exports.
 */
@Module({})
export class StoryboardsModule {
  static register(role: { api: boolean; worker: boolean }, queue: { lockDurationMs: number; stalledIntervalMs: number }): DynamicModule {
    return {
      module: StoryboardsModule,
      imports: [
        // a killed worker's advance job is picked up again as fast as a generation job (the same lock and stalled check)
        BullModule.registerQueue({ name: STORYBOARD_QUEUE, settings: { lockDuration: queue.lockDurationMs, stalledInterval: queue.stalledIntervalMs, maxStalledCount: 3 } }),
        AssetsModule, BoxesModule, CreditsModule, GenerationModule, ProvidersModule, RealtimeModule,
      ],
      controllers: role.api ? [StoryboardsController] : [],
      providers: [
        StoryboardsRepository, StoryboardNotifier, StoryboardsQueue, StoryboardCanceler, StoryboardPlannerService, StoryboardsService,
        ...(role.worker ? [FilmMaker, StoryboardPlanSteps, StoryboardRunner, StoryboardsProcessor] : []),
      ],
      exports: [StoryboardsService],
    };
  }
}

export { StoryboardsService } from './storyboards.service.js';
export { StoryboardEntity, StoryboardSceneEntity } from './storyboard.entity.js';
