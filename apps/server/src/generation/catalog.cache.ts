import { Inject, Injectable } from '@nestjs/common';
import type { ModelConfig, ProviderConfig } from '@genbox/providers';
import { CatalogRepository, type ModelRow, toModelConfig, toProviderConfig } from '../providers/catalog.repository.js';
import { SECRET_BOX, type SecretBox } from '../providers/secret-box.js';
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

  constructor(private readonly catalog: CatalogRepository, @Inject(SECRET_BOX) private readonly secrets: SecretBox) {}

  /** null when the model (or its provider) no longer exists. */
  async get(modelId: string, stamp?: string | null): Promise<CatalogEntry | null> {
    const hit = stamp ? this.entries.get(modelId) : undefined;
    if (hit && hit.stamp === stamp) return hit.entry;
    // read after the stamp: these rows are at least as new as it says, so keeping them under it is safe
    const model = await this.catalog.findModel(modelId);
    const row = model ? await this.catalog.findProvider(model.provider_id) : null;
    if (!model || !row) return null;
    const entry: CatalogEntry = {
      model,
      modelConfig: toModelConfig(model),
      provider: toProviderConfig(row, this.secrets),
      limits: { id: row.id, maxConcurrency: row.max_concurrency, rateLimit: rateLimitFor(row.kind, row.rate_limit) },
    };
    if (stamp) this.entries.set(modelId, { stamp, entry });
    return entry;
  }
}
