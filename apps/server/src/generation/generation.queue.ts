import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { ProviderError } from '@genbox/providers';
import type { JobOptions, Queue } from 'bull';
import { currentLogContext } from '../common/logging/log-context.js';
import { GENERATION_QUEUE, type GenerationJobName, type GenerationJobs, type JobTrace } from './generation.jobs.js';

/** Tries of a finish job: with PROVIDER_BACKOFF about six minutes, longer when the provider asks for longer. */
export const FINISH_ATTEMPTS = 10;

/**
 * How long a worker's job loop waits after Redis failed it (fetching the next job, finishing one)
 * before it asks again, in ms: Bull's 5 s default would keep a worker idle that long after Redis is back.
 */
export const QUEUE_RETRY_PROCESS_MS = 500;

/** Name of the backoff that waits what a provider's Retry-After says, else doubles from 2 s up to a minute. */
export const PROVIDER_BACKOFF = 'provider';

/** Bull's custom backoff strategy for PROVIDER_BACKOFF: (tries made so far, the error of the last). */
export function providerBackoff(attemptsMade: number, err?: unknown): number {
  const afterMs = err instanceof ProviderError && err.retry !== false ? err.retry.afterMs : undefined;
  return afterMs ?? Math.min(60_000, 2000 * 2 ** Math.max(0, attemptsMade - 1));
}

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
      // a stalled job (its worker died) is picked up again; our steps are idempotent.
      // A result download the provider's side refuses for now (429, 5xx, network) is retried for
      // minutes, as long as it asks: the generation is done and paid for, so it must not be lost
      ...(name === 'finish' ? { attempts: FINISH_ATTEMPTS, backoff: { type: PROVIDER_BACKOFF } } : { attempts: 3, backoff: { type: 'exponential', delay: 1000 } }),
    };
    // the request (or job) that adds it, and the box, follow the work into its log lines
    const { reqId, boxId } = currentLogContext();
    const trace: JobTrace | undefined = reqId || boxId ? { reqId, boxId } : undefined;
    return this.queue.add(name, trace ? { ...data, trace } : data, options);
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
