import { BullModule } from '@nestjs/bull';
import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { FilmMaker } from './film-maker.service.js';
import { StoryboardCanceler } from './storyboard-canceler.service.js';
import { StoryboardNotifier } from './storyboard.notifier.js';
import { StoryboardPlannerService } from './storyboard-planner.service.js';
import { StoryboardRunner } from './storyboard-runner.service.js';
import { StoryboardsController } from './storyboards.controller.js';
import { StoryboardsProcessor } from './storyboards.processor.js';
import { STORYBOARD_QUEUE, StoryboardsQueue } from './storyboards.queue.js';
import { StoryboardsRepository } from './storyboards.repository.js';
import { StoryboardsService } from './storyboards.service.js';

/**
 * The storyboards feature: what AppModule adds for it, by role. Its services use the assets,
 * catalog, generation and realtime providers of the app; nothing outside this folder uses its
 * internals, only what this file exports.
 */
export function storyboardsFeature(role: { api: boolean; worker: boolean }, queue: { lockDurationMs: number; stalledIntervalMs: number }): { imports: DynamicModule[]; controllers: Type[]; providers: Provider[] } {
  return {
    // a killed worker's advance job is picked up again as fast as a generation job (the same lock and stalled check)
    imports: [BullModule.registerQueue({ name: STORYBOARD_QUEUE, settings: { lockDuration: queue.lockDurationMs, stalledInterval: queue.stalledIntervalMs, maxStalledCount: 3 } })],
    controllers: role.api ? [StoryboardsController] : [],
    providers: [
      StoryboardsRepository, StoryboardNotifier, StoryboardsQueue, StoryboardCanceler, StoryboardPlannerService, StoryboardsService,
      ...(role.worker ? [FilmMaker, StoryboardRunner, StoryboardsProcessor] : []),
    ],
  };
}

export { StoryboardsService } from './storyboards.service.js';
export { StoryboardEntity, StoryboardSceneEntity } from './storyboard.entity.js';
