import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { GENERATION_QUEUE, type GenerationJobName, type GenerationJobs } from './generation.jobs.js';

/** Typed access to the generation queue; job ids make every enqueue idempotent. */
@Injectable()
export class GenerationQueue {
  constructor(@InjectQueue(GENERATION_QUEUE) readonly queue: Queue) {}

  add<K extends GenerationJobName>(name: K, data: GenerationJobs[K], opts: { jobId: string; delayMs?: number; priority?: number }) {
    const options: JobOptions = {
      jobId: opts.jobId,
      delay: opts.delayMs,
      priority: opts.priority,
      // finished jobs leave Redis at once: the asset row is the record, not the job
      removeOnComplete: true,
      removeOnFail: true,
      // a stalled job (its worker died) is picked up again; our steps are idempotent
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
    };
    return this.queue.add(name, data, options);
  }

  async remove(jobId: string): Promise<void> {
    const job = await this.queue.getJob(jobId);
    await job?.remove().catch(() => undefined); // an active job cannot be removed: its guarded steps stop it
  }
}

/** The first submit job of an asset's attempt: the asset id itself for the first attempt. */
export const submitChainId = (assetId: string, attempt: number) => (attempt <= 1 ? assetId : `${assetId}:a${attempt}`);
/** The `step`-th job of a submit chain (waits for a slot, retries). */
export const submitJobId = (chain: string, step: number) => (step === 0 ? chain : `${chain}:s${step}`);
/** A chain started by resuming a paused box; `seq` is the resume's box event, unique per resume. */
export const resumeChainId = (assetId: string, attempt: number, seq: number) => `${assetId}:a${attempt}:r${seq}`;
export const finishJobId = (assetId: string, attempt: number) => `${assetId}:a${attempt}:finish`;
export const pollJobId = (assetId: string, attempt: number, pollNo: number) => `${assetId}:a${attempt}:p${pollNo}`;
