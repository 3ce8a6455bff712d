import { Injectable, Logger } from '@nestjs/common';
import type { ProviderError } from '@genbox/providers';
import type { AssetRow } from '../assets/asset.row.js';
import { AssetStatusWriter } from '../assets/asset-status.writer.js';
import { AssetsRepository, type WorkAssetRow } from '../assets/assets.repository.js';
import { DependencyProbes } from '../common/dependency-probes.js';
import { AssetOutcomes } from './asset-outcomes.service.js';
import { CatalogCache } from './catalog.cache.js';
import type { GenerationJobs } from './generation.jobs.js';
import { GenerationQueue } from './generation.queue.js';
import { FINISHING_MARKER, submittingMarker } from './job-identity.js';
import { PollStep } from './poll.step.js';
import { ProviderCalls } from './provider-calls.js';
import { type Gate, ProviderLimiter, type ProviderLimits } from './provider-limiter.js';
import { ProviderResults } from './provider-results.js';

/** Retryable submit failures (network, 5xx, timeouts) are tried this many times before the asset fails. */
const MAX_SUBMIT_TRIES = 6;
/**
 * 429s have a budget of their own: a provider saying "slow down" is not the request failing, so a
 * burst of them must not fail the asset. 100 tries is over an hour and a half at the 60 s backoff
 * ceiling, longer when the provider asks for longer with Retry-After.
 */
const MAX_RATE_LIMITED_TRIES = 100;
/** Longest wait before asking again for a concurrency slot (they are not handed over, only asked for). */
const MAX_SLOT_WAIT_MS = 5_000;

/**
 * The `submit` job: one job of a submit chain sends a PENDING asset to its provider. A paused box
 * leaves the asset PENDING with no job (resuming enqueues it); a full provider (concurrency,
 * create rate, a 429 cool-down) re-enqueues it with a delay, still PENDING. Only then does it move
 * to PROCESSING, marked with the chain (`submitting:<chain>`), and call the provider; a task id
 * is stored and its first poll scheduled, a result in hand is settled at once.
 */
@Injectable()
export class SubmitStep {
  private readonly logger = new Logger('Generation');

  constructor(
    private readonly assets: AssetsRepository,
    private readonly writer: AssetStatusWriter,
    private readonly outcomes: AssetOutcomes,
    private readonly queue: GenerationQueue,
    private readonly catalog: CatalogCache,
    private readonly limiter: ProviderLimiter,
    private readonly calls: ProviderCalls,
    private readonly results: ProviderResults,
    private readonly polls: PollStep,
    private readonly probes: DependencyProbes,
  ) {}

  async submit(data: GenerationJobs['submit']): Promise<void> {
    const chain = data.chain ?? data.assetId;
    const asset = await this.assets.findForWork(data.assetId);
    if (!asset) return;
    // PROCESSING without a task id, moved by this chain: a previous try died before the provider answered, so send again
    const resend = asset.status === 'PROCESSING' && !asset.external_task_id && asset.provider_state === submittingMarker(chain);
    if (asset.status === 'PROCESSING' && asset.external_task_id) return this.ensurePolled(asset);
    if (asset.status !== 'PENDING' && !resend) return; // submitted, finished, or another chain's: a duplicate job
    if (asset.status === 'PENDING' && asset.box_paused) return;
    const limits = await this.limitsOf(asset);
    if (limits) {
      const gate = await this.limiter.acquire(limits, asset.id);
      if (!gate.ok) return this.waitForSlot(asset, data, gate);
    }
    if (asset.status === 'PENDING') {
      const moved = await this.outcomes.move(asset.id, ['PENDING'], 'PROCESSING', { started_at: new Date(), progress: null, provider_state: submittingMarker(chain) });
      if (!moved) return this.outcomes.releaseIfOver(asset.id); // canceled, or another chain took it
    }
    const { job, adapter } = await this.calls.prepare(asset);
    try {
      const res = await adapter.submit(job.request, this.calls.context(asset.id, job.provider));
      if (res.kind === 'finished') {
        if ((await this.results.settle(asset, job, res.result)) !== 'handed-over') return;
        // the finish job has it now: a re-run of this job must not send it again. Should marking
        // that fail (the database gone for a moment), this job still ends here: a Bull retry of
        // it would ask the provider again, while the finish job completes the asset on its own.
        try {
          // the writer sends the event of its seq bump: a bump without one is a gap clients would see
          await this.writer.patch(asset.id, ['PROCESSING'], { provider_state: FINISHING_MARKER });
        } catch (err) {
          this.logger.warn(`${asset.id}: could not mark it finishing (${(err as Error).message}); its finish job carries on`);
        }
        return;
      }
      // the provider has the task now: a database blip must not lose its id (a re-run would send it again)
      const patched = await this.probes.persist(() => this.writer.patch(asset.id, ['PROCESSING'], { external_task_id: res.taskId, provider_state: res.result?.providerState ?? 'submitted' }));
      if (!patched) return await this.calls.cancelAtProvider(adapter, res.taskId, job); // canceled while we were submitting
      await this.polls.schedule(asset, adapter, job, 0);
    } catch (err) {
      await this.results.onError(asset, err, () => this.retrySubmit(asset, data, err, limits));
    }
  }

  /**
   * A submit job that finds its task id stored may have died before it scheduled the first poll
   * (a worker killed in between): without a poll the asset would stay PROCESSING forever. The
   * poll's job id dedups while that first poll is queued; a later duplicate costs one extra poll chain.
   */
  private async ensurePolled(asset: AssetRow): Promise<void> {
    const { job, adapter } = await this.calls.prepare(asset);
    await this.polls.schedule(asset, adapter, job, 0);
  }

  /** A retryable submit failure: a 429 spends its own large budget and cools the whole provider down for its Retry-After. */
  private async retrySubmit(asset: AssetRow, data: GenerationJobs['submit'], err: unknown, limits: ProviderLimits | null): Promise<void> {
    const e = err as ProviderError;
    const limited = e.code === 'provider_rate_limited';
    const tries = limited ? data.try : data.try + 1;
    const rateLimited = (data.rateLimited ?? 0) + (limited ? 1 : 0);
    if (tries >= MAX_SUBMIT_TRIES) return this.outcomes.fail(asset.id, { code: e.code, message: gaveUp(e.message, `${MAX_SUBMIT_TRIES} tries`) });
    if (rateLimited >= MAX_RATE_LIMITED_TRIES) return this.outcomes.fail(asset.id, { code: e.code, message: gaveUp(e.message, `${MAX_RATE_LIMITED_TRIES} rate-limited tries`) });
    const retry = e.retry === false ? {} : e.retry;
    const delayMs = retry.afterMs ?? Math.min(60_000, 1000 * 2 ** (limited ? rateLimited - 1 : tries - 1)) * (0.75 + Math.random() / 2);
    if (limited && retry.afterMs && limits) await this.limiter.coolDown(limits.id, retry.afterMs);
    this.logger.warn(`submit of ${asset.id} failed (${e.code}), trying again in ${Math.round(delayMs)} ms`);
    await this.queue.nextSubmit({ ...data, try: tries, rateLimited }, delayMs, asset.priority);
  }

  /** The provider is full (slots, create rate or cool-down): ask again later; the asset stays as it is, PENDING for a new one. */
  private async waitForSlot(asset: AssetRow, data: GenerationJobs['submit'], gate: Exclude<Gate, { ok: true }>): Promise<void> {
    const waited = data.step ?? 0;
    // slots are not handed over when freed, so a full provider is asked again with a growing interval
    const delayMs = gate.reason === 'concurrency'
      ? Math.min(MAX_SLOT_WAIT_MS, gate.retryInMs, 250 * 1.5 ** Math.min(waited, 10)) * (0.75 + Math.random() / 2)
      : gate.retryInMs + Math.random() * 50;
    this.logger.debug(`${asset.id} waits ${Math.round(delayMs)} ms for ${gate.reason}`);
    await this.queue.nextSubmit(data, Math.max(10, delayMs), asset.priority);
  }

  private async limitsOf(asset: WorkAssetRow): Promise<ProviderLimits | null> {
    return asset.model_id ? ((await this.catalog.get(asset.model_id, asset.catalog_stamp))?.limits ?? null) : null;
  }
}

/** The final message of a retryable error: it no longer promises another try. */
function gaveUp(message: string, tries: string): string {
  return `${message.replace(/[;,]?\s*Genbox will try again\.?$/, '.')} Genbox gave up after ${tries}.`;
}
