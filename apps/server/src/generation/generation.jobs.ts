import type { AssetType } from '@genbox/contracts';

/**
 * The generation queue's jobs: a closed map, so a job without a handler is a compile error. Every
 * job carries the asset attempt it works for (`assetAttempt`); ids are built in `job-identity.ts`.
 */
export const GENERATION_QUEUE = 'generation';

export interface GenerationJobs {
  /**
   * Send the asset to its provider. A chain of submit jobs (waits for a slot, retries) carries one
   * `chain` id; only that chain may re-send an asset it moved to PROCESSING, so a duplicate chain
   * (a resumed box, a webhook race) cannot create a second task at the provider.
   */
  submit: {
    assetId: string;
    /** The asset's attempt (its `attempts` when this chain began): a failure fails only this attempt. */
    assetAttempt: number;
    /** Failed tries so far (network, 5xx): limited. */
    try: number;
    /** 429 answers so far: a budget of their own, much larger. */
    rateLimited?: number;
    /** Jobs in this chain before this one; makes each re-enqueue's job id unique. */
    step?: number;
    /** The id of the chain's first job; the asset id when absent. */
    chain?: string;
  };
  /** Ask the provider how the task is going. */
  poll: {
    assetId: string;
    assetAttempt: number;
    /** Polls of this attempt before this one: the poll plan spaces them by it. */
    pollNo: number;
  };
  /**
   * Download (or copy from staging) the result, store it with a thumbnail, go COMPLETED. Small
   * bytes of sync providers (up to INLINE_RESULT_BYTES) are stored by the submit job itself and
   * reach a finish job (as base64) only when that failed; larger ones are staged in storage
   * first: Redis never carries megabytes.
   */
  finish: {
    assetId: string;
    /** Only this attempt of the asset goes COMPLETED: a late job of an earlier one does nothing. */
    assetAttempt: number;
    source: { url: string } | { stagingKey: string } | { base64: string };
    providerName: string;
    allowPrivateNetwork: boolean;
    /** The asset's box and type, so an inline result is stored without reading the asset first (absent in jobs from older versions). */
    boxId?: string;
    type?: AssetType;
  };
}

export type GenerationJobName = keyof GenerationJobs;

/**
 * Rides along in every job's data (beside the fields above) so its log lines say where the work
 * came from: the HTTP request that started it and the asset's box. Absent in older jobs.
 */
export interface JobTrace {
  reqId?: string;
  boxId?: string;
}

/** Results up to this size travel inside the finish job instead of through a staging file, in bytes. */
export const INLINE_RESULT_BYTES = 512 * 1024;
