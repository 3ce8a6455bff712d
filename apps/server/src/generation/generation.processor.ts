import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ProviderError } from '@genbox/providers';
import type { Job } from 'bull';
import type { AppConfig } from '../config/env.js';
import { CONFIG } from '../common/tokens.js';
import type { GenerationJobs } from './generation.jobs.js';
import { GenerationQueue } from './generation.queue.js';
import { AssetOutcomes } from './asset-outcomes.service.js';
import { FinishService } from './finish.service.js';
import { GenerationService } from './generation.service.js';

type Handlers = { [K in keyof GenerationJobs]: (data: GenerationJobs[K]) => Promise<void> };

/**
 * Runs the generation jobs (ROLE=worker or all). Each handler unwraps the job and calls one
 * service method. Processors are registered here rather than with @Process so the concurrency
 * comes from WORKER_CONCURRENCY: at most that many jobs of any kind run at once in this process.
 */
@Injectable()
export class GenerationProcessor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');

  readonly handlers: Handlers = {
    submit: (d) => this.generation.submit(d),
    poll: (d) => this.generation.poll(d.assetId, d.attempt),
    finish: (d) => this.finisher.finish(d),
  };

  constructor(
    private readonly jobs: GenerationQueue,
    private readonly generation: GenerationService,
    private readonly finisher: FinishService,
    private readonly outcomes: AssetOutcomes,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit() {
    // one processor for every job name: Bull starts `concurrency` loops per process() call, so one
    // call per name would run WORKER_CONCURRENCY × names jobs at once, and a job's priority would
    // only order it among its own name
    void this.jobs.queue.process('*', this.config.workerConcurrency, (job: Job) => {
      const handler = this.handlers[job.name as keyof GenerationJobs] as ((d: unknown) => Promise<void>) | undefined;
      if (!handler) throw new Error(`no handler for the generation job "${job.name}"`);
      return this.run(job, handler);
    });
  }

  async onApplicationShutdown() {
    await this.jobs.queue.close().catch(() => undefined);
  }

  private async run(job: Job, handler: (d: unknown) => Promise<void>): Promise<void> {
    try {
      await handler(job.data);
    } catch (err) {
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      // a provider saying "not now" is expected along the way: one line; anything else gets its stack
      if (err instanceof ProviderError && !last) this.logger.warn(`${job.name} ${job.id} will retry: ${err.message}`);
      else this.logger.error(`${job.name} ${job.id} failed${last ? '' : ', will retry'}: ${(err as Error).stack ?? err}`);
      if (last) {
        // a provider's retryable error that outlasted the job's tries (a result download) keeps its own reason
        const failure = err instanceof ProviderError
          ? { code: err.code, message: err.message }
          : { code: 'internal_error', message: 'Generation failed because of an error in Genbox; retry it, and tell your admin if it keeps failing' };
        await this.outcomes.fail((job.data as { assetId: string }).assetId, failure, attemptOfJob(String(job.id)));
        return;
      }
      throw err;
    }
  }
}

/** The asset attempt a job belongs to: its id says `:a<n>` (see generation.queue), except a first submit, whose id is the asset's. */
export function attemptOfJob(jobId: string): number {
  return Number(/:a(\d+)(?::|$)/.exec(jobId)?.[1] ?? 1);
}
