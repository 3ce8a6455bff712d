import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { ProviderError } from '@genbox/providers';
import type { Job, JobOptions, Queue } from 'bull';
import { currentLogContext } from '../common/logging/log-context.js';
import { GENERATION_QUEUE, type GenerationJobName, type GenerationJobs, type JobTrace } from './generation.jobs.js';
import { jobIds } from './job-identity.js';

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

/**
 * Typed access to the generation queue: one method per kind of enqueue, each with the id
 * `job-identity.ts` gives it, so every enqueue is idempotent and no caller builds an id.
 */
@Injectable()
export class GenerationQueue {
  constructor(@InjectQueue(GENERATION_QUEUE) readonly queue: Queue) {}

  /** The first submit of an asset's attempt: a new generation, a retry, a storyboard scene. */
  submitAttempt(assetId: string, assetAttempt: number, priority?: number | null) {
    const chain = jobIds.submitChain(assetId, assetAttempt);
    return this.add('submit', { assetId, assetAttempt, try: 0, chain }, { jobId: chain, priority: priority ?? undefined });
  }

  /** A resumed box's waiting asset; `seq` is the resume's event. */
  submitResumed(assetId: string, assetAttempt: number, seq: number, priority: number | null) {
    const chain = jobIds.resumeChain(assetId, assetAttempt, seq);
    return this.add('submit', { assetId, assetAttempt, try: 0, chain }, { jobId: chain, priority: priority ?? undefined });
  }

  /** A PENDING asset whose jobs Redis lost (the reconciler); `at` makes the chain new. */
  submitReconciled(assetId: string, assetAttempt: number, at: number, priority: number | null) {
    const chain = jobIds.reconcileChain(assetId, assetAttempt, at);
    return this.add('submit', { assetId, assetAttempt, try: 0, chain }, { jobId: chain, priority: priority ?? undefined });
  }

  /** The reconciler letting `chain` send its PROCESSING asset again (its try died before the provider answered). */
  resendReconciled(assetId: string, assetAttempt: number, chain: string, at: number) {
    return this.add('submit', { assetId, assetAttempt, try: 0, chain }, { jobId: jobIds.reconcileResend(chain, at) });
  }

  /** The next job of a submit chain (a wait for a slot, a retry), after `delayMs`. */
  nextSubmit(data: GenerationJobs['submit'], delayMs: number, priority: number | null) {
    const chain = data.chain ?? data.assetId;
    const step = (data.step ?? 0) + 1;
    return this.add('submit', { ...data, chain, step }, { jobId: jobIds.submitStep(chain, step), delayMs, priority: priority ?? undefined });
  }

  /** The `pollNo`-th poll of an attempt, after `delayMs` (its poll plan's). */
  schedulePoll(assetId: string, assetAttempt: number, pollNo: number, delayMs: number) {
    return this.add('poll', { assetId, assetAttempt, pollNo }, { jobId: jobIds.poll(assetId, assetAttempt, pollNo), delayMs });
  }

  /** A poll now, outside the schedule (a webhook, the reconciler); `reason` makes it unique. */
  extraPoll(assetId: string, assetAttempt: number, reason: string) {
    return this.add('poll', { assetId, assetAttempt, pollNo: 0 }, { jobId: jobIds.extraPoll(assetId, assetAttempt, reason) });
  }

  /** A poll now for a PROCESSING asset whose jobs Redis lost (the reconciler); `at` makes it new. */
  pollReconciled(assetId: string, assetAttempt: number, at: number) {
    return this.add('poll', { assetId, assetAttempt, pollNo: 0 }, { jobId: jobIds.reconcilePoll(assetId, assetAttempt, at) });
  }

  /** Storing an attempt's result: one job per attempt. */
  finish(data: GenerationJobs['finish'], priority?: number | null) {
    return this.add('finish', data, { jobId: jobIds.finish(data.assetId, data.assetAttempt), priority: priority ?? undefined });
  }

  /** A copy of `job` under a new id, for another worker (a stopping one hands back what it runs); same data and options. */
  handBack(job: Job, data: unknown) {
    const { jobId, delay, timestamp, ...opts } = job.opts as Job['opts'] & { timestamp?: number };
    void delay; void timestamp;
    return this.queue.add(job.name, data, { ...opts, jobId: jobIds.handedBack(String(jobId ?? job.id), Date.now()) });
  }

  /** Drops an attempt's first submit job while it waits (a cancel); an active one is stopped by its guarded steps. */
  async removeFirstSubmit(assetId: string, assetAttempt: number): Promise<void> {
    const job = await this.queue.getJob(jobIds.submitChain(assetId, assetAttempt));
    await job?.remove().catch(() => undefined);
  }

  private add<K extends GenerationJobName>(name: K, data: GenerationJobs[K], opts: { jobId: string; delayMs?: number; priority?: number }) {
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
}
