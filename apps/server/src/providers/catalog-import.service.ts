import { Inject, Injectable } from '@nestjs/common';
import { loadCatalog } from '@genbox/providers';
import { DATABASE } from '../common/tokens.js';
import type { Database } from '../database/database.js';

export interface ImportReport { providers: { created: number; updated: number }; models: { created: number; updated: number } }

/**
 * Upserts libs/providers/catalog/catalog.json: providers by name, models by slug. Keys are never
 * in the catalog, so a provider it creates starts inactive (its models are then not offered)
 * until an admin enters its key; what an admin already set (key, URLs, activity) is kept.
 */
@Injectable()
export class CatalogImportService {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async importCatalog(): Promise<ImportReport> {
    const catalog = loadCatalog();
    const report: ImportReport = { providers: { created: 0, updated: 0 }, models: { created: 0, updated: 0 } };
    await this.db.tx(async (q) => {
      const ids = new Map<string, string>();
      for (const p of catalog.providers) {
        const [row] = await q.query<{ id: string; created: boolean }>(
          `INSERT INTO ai_providers (name, kind, base_url, upload_base_url, is_active) VALUES ($1, $2, $3, $4, false)
           ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, updated_at = now()
           RETURNING id, (xmax = 0) AS created`,
          [p.name, p.kind, p.base_url, p.upload_base_url],
        );
        ids.set(p.key, row!.id);
        report.providers[row!.created ? 'created' : 'updated']++;
      }
      for (const m of catalog.models) {
        const providerId = ids.get(m.provider);
        if (!providerId) throw new Error(`catalog model ${m.slug} names an unknown provider ${m.provider}`);
        const [row] = await q.query<{ created: boolean }>(
          `INSERT INTO ai_models (provider_id, name, slug, model_type, input_type, api_endpoint, request_schema, response_mapping, parameters_schema, cost)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (slug) DO UPDATE SET provider_id = excluded.provider_id, name = excluded.name, model_type = excluded.model_type,
             input_type = excluded.input_type, api_endpoint = excluded.api_endpoint, request_schema = excluded.request_schema,
             response_mapping = excluded.response_mapping, parameters_schema = excluded.parameters_schema, cost = excluded.cost, updated_at = now()
           RETURNING (xmax = 0) AS created`,
          [providerId, m.name, m.slug, m.model_type, m.input_type, m.api_endpoint, JSON.stringify(m.request_schema ?? null), JSON.stringify(m.response_mapping ?? null), JSON.stringify(m.parameters_schema), m.cost],
        );
        report.models[row!.created ? 'created' : 'updated']++;
      }
    });
    return report;
  }
}
