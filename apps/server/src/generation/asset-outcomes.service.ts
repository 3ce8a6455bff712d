import { Injectable } from '@nestjs/common';
import type { AssetStatus } from '@genbox/contracts';
import type { ProviderFailure } from '@genbox/providers';
import { AssetStatusWriter } from '../assets/asset-status.writer.js';
import { AssetsRepository, type AssetChanges } from '../assets/assets.repository.js';
import { ProviderLimiter } from './provider-limiter.js';

/** Longest error_message stored (and shown on the card), in characters. */
export const MAX_ERROR_MESSAGE_CHARS = 1000;

/**
 * Status changes of a generation that every step makes the same way: a move through the status
 * writer (whose winner alone tells the box), and a failure that also frees the provider slot. Shared by the
 * submit/poll steps and the finish step, which would otherwise need each other.
 */
@Injectable()
export class AssetOutcomes {
  constructor(
    private readonly assets: AssetsRepository,
    private readonly writer: AssetStatusWriter,
    private readonly limiter: ProviderLimiter,
  ) {}

  /** Moves the asset from one of `from` to `to`; false when someone else moved it first. */
  async move(id: string, from: AssetStatus[], to: AssetStatus, changes: AssetChanges, detail?: Record<string, unknown>, onlyAttempt?: number): Promise<boolean> {
    return !!(await this.writer.move(id, from, to, changes, { detail, onlyAttempt }));
  }

  /** `onlyAttempt`: fail it only while it is still that attempt (a late job of an earlier one leaves a retry alone). */
  async fail(assetId: string, failure: ProviderFailure, onlyAttempt?: number): Promise<void> {
    // a provider's reason is quoted, not trusted: bounded, whatever the adapter let through
    const message = failure.message.length > MAX_ERROR_MESSAGE_CHARS ? `${failure.message.slice(0, MAX_ERROR_MESSAGE_CHARS)}…` : failure.message;
    failure = { code: failure.code, message };
    await this.move(assetId, ['PENDING', 'PROCESSING'], 'FAILED', { error_code: failure.code, error_message: failure.message, completed_at: new Date() }, { error_code: failure.code, message: failure.message }, onlyAttempt);
    await this.releaseIfOver(assetId);
  }

  /** Frees the asset's slot once it is no longer at the provider (terminal, or deleted); a PROCESSING asset keeps it. */
  async releaseIfOver(assetId: string): Promise<void> {
    const asset = await this.assets.find(assetId);
    if (asset && (asset.status === 'PENDING' || asset.status === 'PROCESSING')) return;
    await this.limiter.releaseAsset(assetId);
  }
}
