import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';

/** The storyboard queue: one job name, `advance`, whose id is the storyboard's. */
export const STORYBOARD_QUEUE = 'storyboard';

export interface StoryboardJobs {
  /** Take the storyboard's next steps (scene, last frame, film) until it must wait; everything it needs is in the database. */
  advance: { storyboardId: string };
}

/**
 * Enqueues `advance`. The job id is the storyboard's, so while one is queued or running another add
 * is a no-op; the sweep (StoryboardSweeper) adds it again for every RUNNING storyboard, so a lost
 * job (Redis restarted, a worker killed) costs a moment, never the storyboard.
 */
@Injectable()
export class StoryboardsQueue {
  constructor(@InjectQueue(STORYBOARD_QUEUE) readonly queue: Queue) {}

  async advance(storyboardId: string): Promise<void> {
    await this.queue.add('advance', { storyboardId } satisfies StoryboardJobs['advance'], {
      jobId: `sb:${storyboardId}`, removeOnComplete: true, removeOnFail: true, attempts: 3, backoff: { type: 'exponential', delay: 1000 },
    });
  }
}
