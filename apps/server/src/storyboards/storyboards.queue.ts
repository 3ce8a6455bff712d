import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';

/** The storyboard queue. Scenes are not here: each is a generation, whose job id is its asset's. */
export const STORYBOARD_QUEUE = 'storyboard';

export interface StoryboardJobs {
  /** The planner's first pass: the idea becomes the scene prompts (PLANNING, no scenes yet). */
  plan: { storyboardId: string };
  /** The continuity pass over the stored draft; the storyboard becomes PLANNED. */
  continuity: { storyboardId: string };
  /** Look at the storyboard in the database and start its next step (a scene, a last frame, the film), or finish it. */
  advance: { storyboardId: string };
  /** Extract the last frame of scene `index` (its video asset `sceneAssetId`) into an image asset. */
  frame: { storyboardId: string; index: number; sceneAssetId: string };
  /** Stitch the scenes into the film asset `filmAssetId` (PROCESSING until it lands). */
  film: { storyboardId: string; filmAssetId: string };
}
export type StoryboardJobName = keyof StoryboardJobs;

/**
 * Enqueues storyboard jobs. Every job id names its step (`sb:<id>:plan`, `sb:<id>:continuity`,
 * `sb:<id>`, `sb:<id>:frame:<scene asset>`, `sb:<id>:film:<film asset>`): while one is queued or
 * running, adding it again is a no-op, and the sweep (StoryboardsProcessor) adds `plan` for every
 * PLANNING storyboard and `advance` for every RUNNING one, each of which adds the step it needs,
 * so a job lost with Redis or a killed worker costs a moment, never the storyboard.
 */
@Injectable()
export class StoryboardsQueue {
  constructor(@InjectQueue(STORYBOARD_QUEUE) readonly queue: Queue) {}

  plan(storyboardId: string) {
    return this.add('plan', { storyboardId }, `sb:${storyboardId}:plan`);
  }

  continuity(storyboardId: string) {
    return this.add('continuity', { storyboardId }, `sb:${storyboardId}:continuity`);
  }

  advance(storyboardId: string) {
    return this.add('advance', { storyboardId }, `sb:${storyboardId}`);
  }

  frame(data: StoryboardJobs['frame']) {
    return this.add('frame', data, `sb:${data.storyboardId}:frame:${data.sceneAssetId}`);
  }

  film(data: StoryboardJobs['film']) {
    return this.add('film', data, `sb:${data.storyboardId}:film:${data.filmAssetId}`);
  }

  private async add<K extends StoryboardJobName>(name: K, data: StoryboardJobs[K], jobId: string): Promise<void> {
    // finished jobs leave Redis at once: the database is the record, the sweep the safety net
    const opts: JobOptions = { jobId, removeOnComplete: true, removeOnFail: true, attempts: 3, backoff: { type: 'exponential', delay: 1000 } };
    await this.queue.add(name, data, opts);
  }
}
