import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type PollResult, ProviderError, type ProviderOutput } from '@genbox/providers';
import type { AssetRow } from '../assets/asset.row.js';
import { AssetStatusWriter } from '../assets/asset-status.writer.js';
import { DependencyProbes } from '../common/dependency-probes.js';
import { STORAGE } from '../common/tokens.js';
import { CreditsService } from '../credits/credits.service.js';
import type { StorageDriver } from '../storage/storage.port.js';
import { AssetOutcomes } from './asset-outcomes.service.js';
import { FinishStep } from './finish.step.js';
import { type GenerationJobs, INLINE_RESULT_BYTES } from './generation.jobs.js';
import { GenerationQueue } from './generation.queue.js';
import { stagingKey } from './job-identity.js';
import { ProviderLimiter } from './provider-limiter.js';
import { toFailure } from './provider-failure.js';
import type { ProviderJob } from './submit-request.builder.js';

/** What a provider's answer did: still `running`, `handed-over` to a finish job, or `done` (the asset reached its end here, or is gone). */
export type Settled = 'running' | 'handed-over' | 'done';

/**
 * Applies what a provider said, the same for a submit that answered at once and for a poll:
 * progress while it runs, the end it reports (FAILED, CANCELED), or its result handed to the
 * finish step. Also the one reading of a provider's error.
 */
@Injectable()
export class ProviderResults {
  private readonly logger = new Logger('Generation');

  constructor(
    private readonly writer: AssetStatusWriter,
    private readonly outcomes: AssetOutcomes,
    private readonly limiter: ProviderLimiter,
    private readonly credits: CreditsService,
    private readonly finisher: FinishStep,
    private readonly queue: GenerationQueue,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    private readonly probes: DependencyProbes,
  ) {}

  async settle(asset: AssetRow, job: ProviderJob, result: PollResult): Promise<Settled> {
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
   * A provider's error: a retryable one calls `retry` when there is one, a permanent one fails the
   * asset. Anything else is not the provider's doing (database, bug): it is thrown, so the job
   * retries, and the processor fails the asset once the job is out of tries.
   */
  async onError(asset: AssetRow, err: unknown, retry?: () => Promise<void>): Promise<void> {
    if (!(err instanceof ProviderError)) throw err;
    if (err.retry !== false && retry) return retry();
    return this.outcomes.fail(asset.id, toFailure(err, ''));
  }

  /**
   * Stores the result, or hands it to a `finish` job (one id per attempt: a second poll seeing
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
      await this.probes.persist(() => this.storage.put(staged, Readable.from([output.bytes]), { contentType: 'application/octet-stream', contentLength: output.bytes.length }));
      source = { stagingKey: staged };
    } else {
      source = { url: output.url };
    }
    // the provider's answer is in hand and nowhere else yet: a storage or Redis blip here waits it
    // out, where a throw would run this job again and send the request to the provider a second time
    await this.probes.persist(() => this.queue.finish({ ...finish, source }, asset.priority));
    return 'handed-over';
  }
}
