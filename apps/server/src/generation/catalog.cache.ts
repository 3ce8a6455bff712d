import { Injectable } from '@nestjs/common';
import type { ModelConfig, ProviderConfig } from '@genbox/providers';
import type { ModelRow } from '../providers/catalog.repository.js';
import { ProviderConfigs } from '../providers/provider-configs.js';
import { type ProviderLimits, rateLimitFor } from './provider-limiter.js';

/** A model with its provider as a generation job uses them: the provider's secrets already decrypted. */
export interface CatalogEntry {
  model: ModelRow;
  modelConfig: ModelConfig;
  provider: ProviderConfig;
  limits: ProviderLimits;
}

/**
 * Model + provider rows (and the decrypted key) per model, reused while their stamp holds. The
 * stamp comes with the asset read each job makes anyway (AssetsRepository.findForWork), so an
 * admin's change is seen by the very next job, in every worker, with no extra round trip and no
 * TTL; without a stamp the rows are read afresh.
 */
@Injectable()
export class CatalogCache {
  private readonly entries = new Map<string, { stamp: string; entry: CatalogEntry }>();

  constructor(private readonly configs: ProviderConfigs) {}

  /** null when the model (or its provider) no longer exists. */
  async get(modelId: string, stamp?: string | null): Promise<CatalogEntry | null> {
    const hit = stamp ? this.entries.get(modelId) : undefined;
    if (hit && hit.stamp === stamp) return hit.entry;
    // read after the stamp: these rows are at least as new as it says, so keeping them under it is safe
    const found = await this.configs.model(modelId);
    if (!found) return null;
    const { model, modelConfig, provider, providerRow: row } = found;
    const entry: CatalogEntry = {
      model,
      modelConfig,
      provider,
      limits: { id: row.id, maxConcurrency: row.max_concurrency, rateLimit: rateLimitFor(row.kind, row.rate_limit) },
    };
    if (stamp) this.entries.set(modelId, { stamp, entry });
    return entry;
  }
}
