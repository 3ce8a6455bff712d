import { InjectQueue } from '@nestjs/bull';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { type QueueDrain, QueueDrains } from '../common/queue-drain.js';
import { FilmMaker } from './film-maker.service.js';
import { StoryboardPlanSteps } from './storyboard-plan-steps.service.js';
import { StoryboardRunner } from './storyboard-runner.service.js';
import { STORYBOARD_QUEUE, type StoryboardJobs, StoryboardsQueue } from './storyboards.queue.js';
import { StoryboardsRepository } from './storyboards.repository.js';

/** Jobs of each kind run at once per worker: planners mostly wait on the network; frames and stitches keep ffmpeg busy on the CPU. */
const CONCURRENCY: { [K in keyof StoryboardJobs]: number } = { plan: 4, continuity: 4, advance: 2, frame: 1, film: 1 };
/** How often a worker gives every PLANNING storyboard a `plan` job and every RUNNING one an `advance`, in ms: picks up finished steps and lost jobs alike. */
export const STORYBOARD_SWEEP_MS = 500;

/**
 * Runs the storyboard jobs (ROLE=worker or all), and sweeps: the storyboards table, not Redis, says
 * which storyboards are planning or running, so a Redis that lost its jobs or a killed worker costs
 * one sweep. On a graceful stop a job still running (a long stitch) is handed back (QueueDrain)
 * rather than left to stall.
 */
@Injectable()
export class StoryboardsProcessor implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;
  private readonly drain: QueueDrain;

  constructor(
    @InjectQueue(STORYBOARD_QUEUE) private readonly queue: Queue,
    private readonly jobs: StoryboardsQueue,
    private readonly repo: StoryboardsRepository,
    private readonly runner: StoryboardRunner,
    private readonly film: FilmMaker,
    private readonly planSteps: StoryboardPlanSteps,
    drains: QueueDrains,
  ) {
    this.drain = drains.for(queue);
  }

  /** One handler per job name, each unwrapping its job and calling one service method. */
  readonly handlers: { [K in keyof StoryboardJobs]: (d: StoryboardJobs[K]) => Promise<void> } = {
    plan: (d) => this.planSteps.plan(d.storyboardId),
    continuity: (d) => this.planSteps.continuity(d.storyboardId),
    advance: (d) => this.runner.advance(d.storyboardId),
    frame: (d) => this.film.storeLastFrame(d.storyboardId, d.index, d.sceneAssetId),
    film: (d) => this.film.stitch(d.storyboardId, d.filmAssetId),
  };

  onModuleInit() {
    for (const name of Object.keys(this.handlers) as (keyof StoryboardJobs)[]) {
      this.drain.process(name, CONCURRENCY[name], (job: Job) => this.drain.run(job, () => (this.handlers[name] as (d: unknown) => Promise<void>)(job.data)));
    }
  }

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.sweep(), STORYBOARD_SWEEP_MS);
    this.timer.unref();
  }

  async onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
    await this.queue.close().catch(() => undefined);
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const { id, status } of await this.repo.activeIds()) await (status === 'PLANNING' ? this.jobs.plan(id) : this.jobs.advance(id));
    } catch {
      // the database or Redis is away for a moment: the next sweep tries again
    } finally {
      this.sweeping = false;
    }
  }
}
