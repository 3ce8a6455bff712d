import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ProviderError } from '@genbox/providers';
import type { Job } from 'bull';
import { AssetsRepository } from '../assets/assets.repository.js';
import { DEPENDENCY_NAMES, unavailableDependency } from '../common/dependency-errors.js';
import { DependencyProbes } from '../common/dependency-probes.js';
import { addLogContext, withLogContext } from '../common/logging/log-context.js';
import { type JobSlot, type QueueDrain, QueueDrains } from '../common/queue-drain.js';
import { ShutdownState } from '../common/shutdown-state.js';
import type { AppConfig } from '../config/env.js';
import { CONFIG } from '../common/tokens.js';
import type { GenerationJobName, GenerationJobs, JobTrace } from './generation.jobs.js';
import { currentJobData } from './job-identity.js';
import { GenerationQueue } from './generation.queue.js';
import { AssetOutcomes } from './asset-outcomes.service.js';
import { FinishStep } from './finish.step.js';
import { PollStep } from './poll.step.js';
import { SubmitStep } from './submit.step.js';

type Handlers = { [K in keyof GenerationJobs]: (data: GenerationJobs[K]) => Promise<void> };
/** A job's data in this version's shape (older jobs are converted on the way in), with its trace. */
type Data = GenerationJobs[GenerationJobName] & { trace?: JobTrace };

/**
 * Runs the generation jobs (ROLE=worker or all). Each handler unwraps the job and calls one
 * service method. Processors are registered here rather than with @Process so the concurrency
 * comes from WORKER_CONCURRENCY: at most that many jobs of any kind run at once in this process.
 *
 * A step that fails because PostgreSQL, Redis or storage is gone spends none of the job's tries:
 * the job waits until the dependency answers again and runs the step again (every step is
 * idempotent). On shutdown the worker takes no new job, lets running ones finish for a bounded
 * time, and hands back the rest as fresh copies other workers take at once (QueueDrain, with
 * generation's own job identity for the copies' ids).
 */
@Injectable()
export class GenerationProcessor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private readonly drain: QueueDrain;

  readonly handlers: Handlers = {
    submit: (d) => this.submits.submit(d),
    poll: (d) => this.polls.poll(d),
    finish: (d) => this.finisher.finish(d),
  };

  constructor(
    private readonly jobs: GenerationQueue,
    private readonly submits: SubmitStep,
    private readonly polls: PollStep,
    private readonly finisher: FinishStep,
    private readonly outcomes: AssetOutcomes,
    private readonly assets: AssetsRepository,
    private readonly probes: DependencyProbes,
    private readonly shutdown: ShutdownState,
    @Inject(CONFIG) private readonly config: AppConfig,
    drains: QueueDrains,
  ) {
    this.drain = drains.for(jobs.queue, {
      copy: (job) => this.jobs.handBack(job, currentJobData(job.name as GenerationJobName, job.data, String(job.id))),
      ifCopyFails: 'the reconciler will requeue it',
    });
  }

  private get queue() {
    return this.jobs.queue;
  }

  onModuleInit() {
    // Bull reports a job it could not finish or fetch (Redis gone) here; it tries again by itself
    this.queue.on('error', (e: Error) => this.logger.warn(`queue: ${e.message}`));
    // one processor for every job name: Bull starts `concurrency` loops per process() call, so one
    // call per name would run WORKER_CONCURRENCY × names jobs at once, and a job's priority would
    // only order it among its own name
    this.drain.process('*', this.config.workerConcurrency, (job: Job) => {
      const handler = this.handlers[job.name as GenerationJobName] as ((d: unknown) => Promise<void>) | undefined;
      if (!handler) throw new Error(`no handler for the generation job "${job.name}"`);
      const data: Data = currentJobData(job.name as GenerationJobName, job.data, String(job.id));
      return withLogContext({ reqId: data.trace?.reqId, assetId: data.assetId, boxId: data.trace?.boxId }, () => this.run(job, data, handler));
    });
  }

  async onApplicationShutdown() {
    // drain() has run (bootstrap's shutdown): nothing left to wait for
    await this.queue.close(true).catch(() => undefined);
  }

  private async run(job: Job, data: Data, handler: (d: unknown) => Promise<void>): Promise<void> {
    const started = Date.now();
    try {
      if (!data.trace?.boxId) await this.findBox(data.assetId);
      this.logger.debug(`${job.name} ${job.id} started`);
      await this.drain.run(job, (slot) => this.attempt(job, data, handler, slot));
    } finally {
      this.logger.debug(`${job.name} ${job.id} ended after ${Date.now() - started} ms`);
    }
  }

  /** Runs the handler, again and again while what failed it was our own infrastructure. */
  private async attempt(job: Job, data: Data, handler: (d: unknown) => Promise<void>, slot: JobSlot): Promise<'done'> {
    for (;;) {
      try {
        await handler(data);
        return 'done';
      } catch (err) {
        const dep = unavailableDependency(err);
        if (dep && !this.shutdown.draining) {
          slot.waiting(true);
          this.logger.warn(`${job.name} ${job.id} waits for ${dep === 'unknown' ? 'PostgreSQL, Redis and storage' : DEPENDENCY_NAMES[dep]}: ${(err as Error).message}`);
          // false: it answers right now, so this was not an outage; count it like any other error
          const waited = await this.probes.waitUntilUp(dep, this.shutdown.signal).catch(() => null);
          slot.waiting(false);
          if (waited === null) return new Promise(() => undefined); // shutting down: drain() hands it back
          if (waited) continue;
        }
        await this.onError(job, data, err);
        return 'done';
      }
    }
  }

  private async onError(job: Job, data: Data, err: unknown): Promise<void> {
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    // a provider saying "not now" is expected along the way: one line; anything else gets its stack
    if (err instanceof ProviderError && !last) this.logger.warn(`${job.name} ${job.id} will retry: ${err.message}`);
    else this.logger.error(`${job.name} ${job.id} failed${last ? '' : ', will retry'}: ${(err as Error).stack ?? err}`);
    if (!last) throw err;
    // a provider's retryable error that outlasted the job's tries (a result download) keeps its own reason
    const failure = err instanceof ProviderError
      ? { code: err.code, message: err.message }
      : { code: 'internal_error', message: 'Generation failed because of an error in Genbox; retry it, and tell your admin if it keeps failing' };
    await this.outcomes.fail(data.assetId, failure, data.assetAttempt);
  }

  /** Jobs queued before box ids rode along (or by a webhook): read it, so every line names the box. */
  private async findBox(assetId: string): Promise<void> {
    const asset = await this.assets.find(assetId).catch(() => null);
    if (asset) addLogContext({ boxId: asset.box_id });
  }
}
