import { Injectable, Logger } from '@nestjs/common';
import { type AdapterContext, type ProviderAdapter, type ProviderConfig, guardedFetch } from '@genbox/providers';
import type { AssetRow } from '../assets/asset.row.js';
import { AssetStatusWriter } from '../assets/asset-status.writer.js';
import { AdapterRegistry } from './adapter.registry.js';
import { AssetOutcomes } from './asset-outcomes.service.js';
import { GenerationQueue } from './generation.queue.js';
import { type ProviderJob, SubmitRequestBuilder } from './submit-request.builder.js';

/** Progress events per asset are at most this often. */
const PROGRESS_EVERY_MS = 300;

/** What every step needs around a call to a provider: the adapter's context, and canceling a task there. */
@Injectable()
export class ProviderCalls {
  private readonly logger = new Logger('Generation');

  constructor(
    private readonly writer: AssetStatusWriter,
    private readonly registry: AdapterRegistry,
    private readonly requests: SubmitRequestBuilder,
    private readonly queue: GenerationQueue,
    private readonly outcomes: AssetOutcomes,
  ) {}

  /** The asset's provider request (model, provider with its key decrypted) and the adapter that sends it. */
  async prepare(asset: AssetRow): Promise<{ job: ProviderJob; adapter: ProviderAdapter }> {
    const job = await this.requests.build(asset);
    return { job, adapter: this.registry.get(job.provider.kind) };
  }

  /** A generation that was just CANCELED (by a user or its storyboard): its waiting submit goes, its slot frees, its task at the provider is canceled where it can be. */
  async cancelRemote(asset: AssetRow): Promise<void> {
    await this.queue.removeFirstSubmit(asset.id, asset.attempts);
    await this.outcomes.releaseIfOver(asset.id);
    if (!asset.external_task_id || !asset.model_id) return;
    const prepared = await this.prepare(asset).catch(() => null);
    if (prepared) await this.cancelAtProvider(prepared.adapter, asset.external_task_id, prepared.job);
  }

  async cancelAtProvider(adapter: ProviderAdapter, taskId: string, job: ProviderJob): Promise<void> {
    if (!adapter.cancel) return;
    await adapter.cancel(taskId, job.request, this.context(job.request.assetId, job.provider)).catch((e: Error) => this.logger.warn(`cancel at ${job.provider.name} failed: ${e.message}`));
  }

  context(assetId: string, provider: ProviderConfig): AdapterContext {
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
