import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type AdapterContext, type PollResult, type ProviderAdapter, type ProviderConfig, ProviderError, type ProviderOutput, guardedFetch, pollPlanFor } from '@genbox/providers';
import type { AssetRow } from '../assets/asset.row.js';
import { AssetStatusWriter } from '../assets/asset-status.writer.js';
import { AssetsRepository, type WorkAssetRow } from '../assets/assets.repository.js';
import { DependencyProbes } from '../common/dependency-probes.js';
import { STORAGE } from '../common/tokens.js';
import type { StorageDriver } from '../storage/storage.port.js';
import { AdapterRegistry } from './adapter.registry.js';
import { type GenerationJobs, INLINE_RESULT_BYTES } from './generation.jobs.js';
import { AssetOutcomes } from './asset-outcomes.service.js';
import { FinishService } from './finish.service.js';
import { CreditsService } from '../credits/credits.service.js';
import { GenerationQueue } from './generation.queue.js';
import { FINISHING_MARKER, stagingKey, submittingMarker } from './job-identity.js';
import { CatalogCache } from './catalog.cache.js';
import { type Gate, ProviderLimiter, type ProviderLimits } from './provider-limiter.js';
import { toFailure } from './provider-failure.js';
import { type ProviderJob, SubmitRequestBuilder } from './submit-request.builder.js';

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
/** Progress events per asset are at most this often. */
const PROGRESS_EVERY_MS = 300;

/**
 * Drives one asset through its provider: submit, poll, finish. Every step is idempotent and every
 * status change is a guarded transition, so a duplicate job, a late poll and a webhook racing
 * each other cannot move an asset backwards or finish it twice.
 */
@Injectable()
export class GenerationService {
  private readonly logger = new Logger('Generation');

  constructor(
    private readonly assets: AssetsRepository,
    private readonly writer: AssetStatusWriter,
    private readonly registry: AdapterRegistry,
    private readonly queue: GenerationQueue,
    private readonly requests: SubmitRequestBuilder,
    private readonly catalog: CatalogCache,
    private readonly limiter: ProviderLimiter,
    private readonly outcomes: AssetOutcomes,
    private readonly finisher: FinishService,
    private readonly probes: DependencyProbes,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    private readonly credits: CreditsService,
  ) {}

  /**
   * One job of a submit chain. A paused box leaves the asset PENDING with no job (resuming enqueues
   * it); a full provider (concurrency, create rate, a 429 cool-down) re-enqueues it with a delay,
   * still PENDING. Only then does it move to PROCESSING and call the provider.
   */
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
    const job = await this.requests.build(asset);
    const adapter = this.registry.get(job.provider.kind);
    try {
      const res = await adapter.submit(job.request, this.context(asset.id, job.provider));
      if (res.kind === 'finished') {
        if ((await this.settle(asset, job, res.result)) !== 'handed-over') return;
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
      if (!patched) return await this.cancelAtProvider(adapter, res.taskId, job); // canceled while we were submitting
      await this.schedulePoll(asset, adapter, job, 0);
    } catch (err) {
      await this.onProviderError(asset, err, { retry: () => this.retrySubmit(asset, data, err, limits) });
    }
  }

  /** Enqueues a resumed box's waiting generations in queue order (priority, then age); `seq` is the resume's event. */
  async resumeBox(boxId: string, seq: number): Promise<void> {
    for (const a of await this.assets.pendingOfBox(boxId)) await this.queue.submitResumed(a.id, a.attempts, seq, a.priority);
  }

  async poll({ assetId, pollNo }: GenerationJobs['poll']): Promise<void> {
    const asset = await this.assets.findForWork(assetId);
    if (!asset) return this.limiter.releaseAsset(assetId); // deleted while at the provider: its slot is free
    if (asset.status !== 'PROCESSING' || !asset.external_task_id) return;
    const job = await this.requests.build(asset);
    const adapter = this.registry.get(job.provider.kind);
    const plan = pollPlanFor(adapter, job.request.model);
    await this.limiter.renew(job.provider.id, asset.id);
    try {
      const result = await adapter.poll(asset.external_task_id, job.request, this.context(asset.id, job.provider));
      if ((await this.settle(asset, job, result)) !== 'running') return;
    } catch (err) {
      // a retryable poll failure just waits for the next poll; a permanent one fails the asset
      if (!(err instanceof ProviderError && err.retry !== false)) return this.onProviderError(asset, err, {});
      this.logger.warn(`poll of ${asset.id} failed, will poll again: ${(err as Error).message}`);
    }
    const elapsed = Date.now() - (asset.started_at?.getTime() ?? Date.now());
    if (elapsed > plan.timeoutMs) {
      await this.outcomes.fail(asset.id, { code: 'generation_timeout', message: `${job.provider.name} did not finish: timed out after ${formatWait(plan.timeoutMs)}` });
      await this.cancelAtProvider(adapter, asset.external_task_id, job);
      return;
    }
    await this.schedulePoll(asset, adapter, job, pollNo + 1);
  }

  /**
   * A submit job that finds its task id stored may have died before it scheduled the first poll
   * (a worker killed in between): without a poll the asset would stay PROCESSING forever. The
   * poll's job id dedups while that first poll is queued; a later duplicate costs one extra poll chain.
   */
  private async ensurePolled(asset: AssetRow): Promise<void> {
    const job = await this.requests.build(asset);
    await this.schedulePoll(asset, this.registry.get(job.provider.kind), job, 0);
  }

  /** A verified webhook: reconcile with a status read now rather than trusting the body alone. */
  async pollNow(assetId: string, reason: string): Promise<void> {
    const asset = await this.assets.find(assetId);
    if (!asset || asset.status !== 'PROCESSING') return;
    await this.queue.extraPoll(assetId, asset.attempts, reason);
  }

  /** Cancels the provider's task where it can; the asset is already CANCELED. */
  async cancelRemote(asset: AssetRow): Promise<void> {
    await this.queue.removeFirstSubmit(asset.id, asset.attempts);
    await this.outcomes.releaseIfOver(asset.id);
    if (!asset.external_task_id || !asset.model_id) return;
    const job = await this.requests.build(asset).catch(() => null);
    if (job) await this.cancelAtProvider(this.registry.get(job.provider.kind), asset.external_task_id, job);
  }

  async enqueueSubmit(assetId: string, assetAttempt: number, priority?: number | null): Promise<void> {
    await this.queue.submitAttempt(assetId, assetAttempt, priority);
  }

  /**
   * Applies a provider observation: `running` while the provider works on it, `handed-over` when a
   * finish job now has the result, `done` when the asset reached its end here (or is gone).
   */
  private async settle(asset: AssetRow, job: ProviderJob, result: PollResult): Promise<'running' | 'handed-over' | 'done'> {
    if (result.status === 'COMPLETED' || result.status === 'FAILED' || result.status === 'CANCELED') {
      await this.limiter.release(job.provider.id, asset.id); // the provider is done with it; a slow download holds no slot
    }
    switch (result.status) {
      case 'COMPLETED':
        await this.credits.recordProviderCost(asset.id, asset.attempts, result.providerCost);
        return this.finishWith(asset, job, result.outputs ?? []);
      case 'FAILED':
        await this.outcomes.fail(asset.id, result.error ?? { code: 'provider_task_failed', message: `${job.provider.name} reported the generation failed (${result.providerState})` });
        return 'done';
      case 'CANCELED':
        await this.outcomes.move(asset.id, ['PROCESSING'], 'CANCELED', { provider_state: result.providerState, completed_at: new Date() });
        return 'done';
      default: {
        const progress = result.progress ?? null;
        if (progress !== asset.progress || result.providerState !== asset.provider_state) {
          await this.writer.patch(asset.id, ['PROCESSING'], { progress, provider_state: result.providerState });
        }
        return 'running';
      }
    }
  }

  /**
   * Stores the result, or hands it to a `finish` job (deterministic id: a second poll seeing
   * COMPLETED adds nothing). Small bytes from a sync provider are in hand already: they are stored
   * right here, with no trip through Redis and no second job; should that throw (the database
   * gone for a moment), a finish job takes them over and retries on its own rather than this job
   * asking the provider again. (Bytes that cannot be stored fail the asset either way.) Only a
   * worker dying between the provider's answer and COMPLETED makes the submit run again, which
   * sends the request a second time: the window is one storage write and one statement.
   * A URL to download, or megabytes (staged in storage, only the key rides in Redis), go to the job.
   */
  private async finishWith(asset: AssetRow, job: ProviderJob, outputs: ProviderOutput[]): Promise<'handed-over' | 'done'> {
    const output = outputs[0];
    if (!output) {
      await this.outcomes.fail(asset.id, { code: 'provider_bad_response', message: `${job.provider.name} reported success but returned no file` });
      return 'done';
    }
    const finish = { assetId: asset.id, assetAttempt: asset.attempts, providerName: job.provider.name, allowPrivateNetwork: job.provider.allowPrivateNetwork, boxId: asset.box_id, type: asset.type };
    let source: GenerationJobs['finish']['source'];
    if ('bytes' in output && output.bytes.length <= INLINE_RESULT_BYTES) {
      try {
        await this.finisher.finish({ ...finish, source: { bytes: output.bytes } });
        return 'done';
      } catch (err) {
        this.logger.warn(`storing the result of ${asset.id} failed, a finish job will retry: ${(err as Error).message}`);
      }
      source = { base64: output.bytes.toString('base64') };
    } else if ('bytes' in output) {
      const staged = stagingKey(asset.id, asset.attempts);
      await this.storage.put(staged, Readable.from([output.bytes]), { contentType: 'application/octet-stream', contentLength: output.bytes.length });
      source = { stagingKey: staged };
    } else {
      source = { url: output.url };
    }
    await this.queue.finish({ ...finish, source }, asset.priority);
    return 'handed-over';
  }

  private async onProviderError(asset: AssetRow, err: unknown, opts: { retry?: () => Promise<void> }): Promise<void> {
    if (err instanceof ProviderError) {
      if (err.retry !== false && opts.retry) return opts.retry();
      return this.outcomes.fail(asset.id, toFailure(err, ''));
    }
    throw err; // not the provider's doing (database, bug): the job retries, then the processor fails the asset
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
    await this.next(asset, { ...data, try: tries, rateLimited }, delayMs);
  }

  /** The provider is full (slots, create rate or cool-down): ask again later; the asset stays as it is, PENDING for a new one. */
  private async waitForSlot(asset: AssetRow, data: GenerationJobs['submit'], gate: Exclude<Gate, { ok: true }>): Promise<void> {
    const waited = data.step ?? 0;
    // slots are not handed over when freed, so a full provider is asked again with a growing interval
    const delayMs = gate.reason === 'concurrency'
      ? Math.min(MAX_SLOT_WAIT_MS, gate.retryInMs, 250 * 1.5 ** Math.min(waited, 10)) * (0.75 + Math.random() / 2)
      : gate.retryInMs + Math.random() * 50;
    this.logger.debug(`${asset.id} waits ${Math.round(delayMs)} ms for ${gate.reason}`);
    await this.next(asset, data, Math.max(10, delayMs));
  }

  /** The next job of this submit chain, after `delayMs`. */
  private async next(asset: AssetRow, data: GenerationJobs['submit'], delayMs: number): Promise<void> {
    await this.queue.nextSubmit(data, delayMs, asset.priority);
  }

  private async limitsOf(asset: WorkAssetRow): Promise<ProviderLimits | null> {
    return asset.model_id ? ((await this.catalog.get(asset.model_id, asset.catalog_stamp))?.limits ?? null) : null;
  }

  private async schedulePoll(asset: AssetRow, adapter: ProviderAdapter, job: ProviderJob, pollNo: number): Promise<void> {
    const plan = pollPlanFor(adapter, job.request.model);
    const elapsed = Date.now() - (asset.started_at?.getTime() ?? Date.now());
    await this.queue.schedulePoll(asset.id, asset.attempts, pollNo, plan.schedule(pollNo, elapsed));
  }

  private async cancelAtProvider(adapter: ProviderAdapter, taskId: string, job: ProviderJob): Promise<void> {
    if (!adapter.cancel) return;
    await adapter.cancel(taskId, job.request, this.context(job.request.assetId, job.provider)).catch((e: Error) => this.logger.warn(`cancel at ${job.provider.name} failed: ${e.message}`));
  }

  private context(assetId: string, provider: ProviderConfig): AdapterContext {
    let last = 0;
    return {
      // every provider call connects only to public addresses over https, unless the provider allows its private network
      fetch: guardedFetch(provider.allowPrivateNetwork),
      signal: AbortSignal.timeout(10 * 60_000),
      now: Date.now,
      log: (msg) => this.logger.debug(`${assetId}: ${msg}`),
      progress: (pct) => {
        const now = Date.now();
        if (now - last < PROGRESS_EVERY_MS) return;
        last = now;
        void this.writer.patch(assetId, ['PROCESSING'], { progress: Math.max(0, Math.min(100, Math.round(pct))) }).catch(() => undefined);
      },
    };
  }
}

/** The final message of a retryable error: it no longer promises another try. */
function gaveUp(message: string, tries: string): string {
  return `${message.replace(/[;,]?\s*Genbox will try again\.?$/, '.')} Genbox gave up after ${tries}.`;
}



/** A wait as a person reads it: "90 s", "15 min". */
export const formatWait = (ms: number) => (ms < 120_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`);
