import { Injectable, Logger } from '@nestjs/common';
import { type ProviderAdapter, ProviderError, pollPlanFor } from '@genbox/providers';
import type { AssetRow } from '../assets/asset.row.js';
import { AssetsRepository } from '../assets/assets.repository.js';
import { AssetOutcomes } from './asset-outcomes.service.js';
import type { GenerationJobs } from './generation.jobs.js';
import { GenerationQueue } from './generation.queue.js';
import { ProviderCalls } from './provider-calls.js';
import { ProviderLimiter } from './provider-limiter.js';
import { ProviderResults } from './provider-results.js';
import type { ProviderJob } from './submit-request.builder.js';

/**
 * The `poll` job: asks the provider how a PROCESSING asset's task is going, applies the answer,
 * and schedules the next poll by the model's poll plan until the task ends or the plan times out.
 * A late or duplicate poll finds the asset no longer PROCESSING and does nothing.
 */
@Injectable()
export class PollStep {
  private readonly logger = new Logger('Generation');

  constructor(
    private readonly assets: AssetsRepository,
    private readonly calls: ProviderCalls,
    private readonly results: ProviderResults,
    private readonly outcomes: AssetOutcomes,
    private readonly limiter: ProviderLimiter,
    private readonly queue: GenerationQueue,
  ) {}

  async poll({ assetId, pollNo }: GenerationJobs['poll']): Promise<void> {
    const asset = await this.assets.findForWork(assetId);
    if (!asset) return this.limiter.releaseAsset(assetId); // deleted while at the provider: its slot is free
    if (asset.status !== 'PROCESSING' || !asset.external_task_id) return;
    const { job, adapter } = await this.calls.prepare(asset);
    const plan = pollPlanFor(adapter, job.request.model);
    await this.limiter.renew(job.provider.id, asset.id);
    try {
      const result = await adapter.poll(asset.external_task_id, job.request, this.calls.context(asset.id, job.provider));
      if ((await this.results.settle(asset, job, result)) !== 'running') return;
    } catch (err) {
      // a retryable poll failure just waits for the next poll; a permanent one fails the asset
      if (!(err instanceof ProviderError && err.retry !== false)) return this.results.onError(asset, err);
      this.logger.warn(`poll of ${asset.id} failed, will poll again: ${(err as Error).message}`);
    }
    const elapsed = Date.now() - (asset.started_at?.getTime() ?? Date.now());
    if (elapsed > plan.timeoutMs) {
      await this.outcomes.fail(asset.id, { code: 'generation_timeout', message: `${job.provider.name} did not finish: timed out after ${formatWait(plan.timeoutMs)}` });
      await this.calls.cancelAtProvider(adapter, asset.external_task_id, job);
      return;
    }
    await this.schedule(asset, adapter, job, pollNo + 1);
  }

  /** The attempt's `pollNo`-th poll, when the model's poll plan says (the submit schedules poll 0). */
  async schedule(asset: AssetRow, adapter: ProviderAdapter, job: ProviderJob, pollNo: number): Promise<void> {
    const plan = pollPlanFor(adapter, job.request.model);
    const elapsed = Date.now() - (asset.started_at?.getTime() ?? Date.now());
    await this.queue.schedulePoll(asset.id, asset.attempts, pollNo, plan.schedule(pollNo, elapsed));
  }

  /** A verified webhook: reconcile with a status read now rather than trusting the body alone. */
  async pollNow(assetId: string, reason: string): Promise<void> {
    const asset = await this.assets.find(assetId);
    if (!asset || asset.status !== 'PROCESSING') return;
    await this.queue.extraPoll(assetId, asset.attempts, reason);
  }
}

/** A wait as a person reads it: "90 s", "15 min". */
export const formatWait = (ms: number) => (ms < 120_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`);
