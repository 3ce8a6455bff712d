import type { GenerationJobName, GenerationJobs } from './generation.jobs.js';

export { FINISHING_MARKER, chainOfMarker, submittingMarker } from '../assets/provider-state.js';

/**
 * The one owner of generation job identity: every job id, the staging key of a result, and (re-
 * exported from the asset row's vocabulary) the markers a job leaves in `provider_state`. Nothing
 * else builds these strings or reads them back.
 *
 * An id names one piece of work, so an enqueue is idempotent: Bull refuses a second job with an
 * id it holds, and a duplicate poll or a retried submit adds nothing. Every id of an asset's
 * attempt n > 1 carries `:a<n>`; the first submit of attempt 1 is the bare asset id (as every
 * version has queued it). The attempt a job works for rides in its data (`assetAttempt`): the id is
 * never parsed, except for jobs queued before that field existed (`currentJobData`).
 */
export const jobIds = {
  /** The first job of an attempt's submit chain; its id is the chain's. */
  submitChain: (assetId: string, assetAttempt: number) => (assetAttempt <= 1 ? assetId : `${assetId}:a${assetAttempt}`),
  /** A chain started by resuming a paused box; `seq` is the resume's box event, unique per resume. */
  resumeChain: (assetId: string, assetAttempt: number, seq: number) => `${assetId}:a${assetAttempt}:r${seq}`,
  /** A chain the reconciler starts for a PENDING asset whose jobs Redis lost; `at` makes it unique per sweep. */
  reconcileChain: (assetId: string, assetAttempt: number, at: number) => `${assetId}:a${assetAttempt}:${reconcileTag(at)}`,
  /** The reconciler re-sending a chain's asset that was PROCESSING without a task id (its try died mid-send). */
  reconcileResend: (chain: string, at: number) => `${chain}:${reconcileTag(at)}`,
  /** The `step`-th job of a submit chain (waits for a slot, retries); step 0 is the chain's first job. */
  submitStep: (chain: string, step: number) => (step === 0 ? chain : `${chain}:s${step}`),
  /** The `pollNo`-th scheduled poll of an attempt (0 the first after the submit). */
  poll: (assetId: string, assetAttempt: number, pollNo: number) => `${assetId}:a${assetAttempt}:p${pollNo}`,
  /** A poll outside the schedule (a webhook, the reconciler): `reason` keeps it from colliding with a scheduled one. */
  extraPoll: (assetId: string, assetAttempt: number, reason: string) => `${jobIds.poll(assetId, assetAttempt, 0)}:${reason}`,
  /** The reconciler's poll of a PROCESSING asset whose jobs Redis lost. */
  reconcilePoll: (assetId: string, assetAttempt: number, at: number) => jobIds.extraPoll(assetId, assetAttempt, reconcileTag(at)),
  /** Storing an attempt's result: one finish job per attempt, however many polls saw COMPLETED. */
  finish: (assetId: string, assetAttempt: number) => `${assetId}:a${assetAttempt}:finish`,
  /** A copy of a job a stopping worker hands back for another one; `at` makes each copy new. */
  handedBack: (jobId: string, at: number) => `${jobId}:h${at.toString(36)}`,
};

const reconcileTag = (at: number) => `rc${at}`;

/** Where a sync provider's large result waits for its finish job (one per attempt). */
export const stagingKey = (assetId: string, assetAttempt: number) => `staging/${assetId}/a${assetAttempt}`;

/**
 * A job's data as this version's handlers take it. Jobs queued by the previous version are still
 * in Redis after an upgrade (delayed polls, waiting submits): they carried no `assetAttempt`, and
 * their poll's `attempt` was the poll number while their finish's `attempt` was the asset attempt.
 * Both shapes are read here so no such job is dropped; the attempt of an old job comes from its id.
 */
export function currentJobData<K extends GenerationJobName>(name: K, data: unknown, jobId: string): GenerationJobs[K] {
  const d = data as Record<string, unknown>;
  if (typeof d.assetAttempt === 'number') return d as unknown as GenerationJobs[K];
  const { attempt, ...rest } = d;
  const assetAttempt = name === 'finish' && typeof attempt === 'number' ? attempt : assetAttemptOfLegacyJobId(jobId);
  if (name === 'poll') return { ...rest, assetAttempt, pollNo: typeof attempt === 'number' ? attempt : 0 } as unknown as GenerationJobs[K];
  return { ...rest, assetAttempt } as unknown as GenerationJobs[K];
}

/** The asset attempt an id built by `jobIds` belongs to: `:a<n>`, or 1 for the first attempt's bare submit id. Only for old jobs. */
export function assetAttemptOfLegacyJobId(jobId: string): number {
  return Number(/:a(\d+)(?::|$)/.exec(jobId)?.[1] ?? 1);
}
