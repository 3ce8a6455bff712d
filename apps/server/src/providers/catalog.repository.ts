import { Inject, Injectable } from '@nestjs/common';
import type { BoxRole, ChatTemplate, ModelAdminDto, ModelDto, ProviderDto } from '@genbox/contracts';
import type { Catalog } from '@genbox/providers';
import { DATABASE } from '../common/tokens.js';
import type { Database } from '../database/database.js';

export interface ProviderRow {
  id: string; name: string; kind: ProviderDto['kind']; base_url: string | null; api_key_encrypted: string | null;
  extra_headers: Record<string, string>; webhook_secret_encrypted: string | null; max_concurrency: number; rate_limit: { requests: number; per_ms: number } | null;
  upload_base_url: string | null; allow_private_network: boolean; chat_template: ChatTemplate | null; is_active: boolean; created_at: Date; updated_at: Date;
}
export interface ImportReport { providers: { created: number; updated: number }; models: { created: number; updated: number } }

export interface ModelRow {
  id: string; provider_id: string; name: string; slug: string; model_type: ModelDto['model_type']; input_type: ModelDto['input_type'];
  api_endpoint: string | null; request_schema: unknown; response_mapping: unknown; parameters_schema: ModelDto['parameters_schema'];
  cost: string; is_active: boolean; created_at: Date; updated_at: Date; provider_name: string; provider_kind: ProviderDto['kind']; provider_active: boolean;
}

const MODEL_COLUMNS = 'm.*, p.name AS provider_name, p.kind AS provider_kind, p.is_active AS provider_active';
const MODEL_FROM = 'ai_models m JOIN ai_providers p ON p.id = m.provider_id';
const MODEL_SELECT = `SELECT ${MODEL_COLUMNS} FROM ${MODEL_FROM}`;

export const toProviderDto = (p: ProviderRow): ProviderDto => ({
  id: p.id, name: p.name, kind: p.kind, base_url: p.base_url, upload_base_url: p.upload_base_url, extra_headers: p.extra_headers,
  has_api_key: !!p.api_key_encrypted, has_webhook_secret: !!p.webhook_secret_encrypted, max_concurrency: p.max_concurrency, rate_limit: p.rate_limit ?? null,
  allow_private_network: p.allow_private_network, chat_template: p.chat_template ?? null, is_active: p.is_active, created_at: p.created_at.toISOString(), updated_at: p.updated_at.toISOString(),
});

export const toModelDto = (m: ModelRow): ModelDto => ({
  id: m.id, name: m.name, slug: m.slug, model_type: m.model_type, input_type: m.input_type, parameters_schema: m.parameters_schema,
  cost: Number(m.cost), provider_id: m.provider_id, provider_name: m.provider_name, provider_kind: m.provider_kind, is_active: m.is_active && m.provider_active,
});

export const toModelAdminDto = (m: ModelRow): ModelAdminDto => ({
  ...toModelDto(m), is_active: m.is_active, api_endpoint: m.api_endpoint, request_schema: m.request_schema, response_mapping: m.response_mapping,
  created_at: m.created_at.toISOString(), updated_at: m.updated_at.toISOString(),
});

const PROVIDER_COLS = ['name', 'kind', 'base_url', 'api_key_encrypted', 'extra_headers', 'webhook_secret_encrypted', 'max_concurrency', 'rate_limit', 'upload_base_url', 'allow_private_network', 'chat_template', 'is_active'] as const;
const MODEL_COLS = ['provider_id', 'name', 'slug', 'model_type', 'input_type', 'api_endpoint', 'request_schema', 'response_mapping', 'parameters_schema', 'cost', 'is_active'] as const;
const JSON_COLS = new Set(['extra_headers', 'rate_limit', 'chat_template', 'request_schema', 'response_mapping', 'parameters_schema']);

@Injectable()
export class CatalogRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  listProviders(): Promise<ProviderRow[]> {
    return this.db.query('SELECT * FROM ai_providers ORDER BY name');
  }
  async findProvider(id: string): Promise<ProviderRow | null> {
    return (await this.db.query('SELECT * FROM ai_providers WHERE id = $1', [id]))[0] ?? null;
  }
  async findProviderByName(name: string): Promise<ProviderRow | null> {
    return (await this.db.query('SELECT * FROM ai_providers WHERE name = $1', [name]))[0] ?? null;
  }
  listModels(activeOnly: boolean): Promise<ModelRow[]> {
    return this.db.query(`${MODEL_SELECT} ${activeOnly ? 'WHERE m.is_active AND p.is_active' : ''} ORDER BY p.name, m.name`);
  }
  async findModel(id: string): Promise<ModelRow | null> {
    return (await this.db.query(`${MODEL_SELECT} WHERE m.id = $1`, [id]))[0] ?? null;
  }
  /**
   * The model together with the user's role in a box, in one round trip for the generate path;
   * null when there is no such model (the role must then be read on its own).
   */
  async findModelWithRole(id: string, boxId: string, userId: string): Promise<{ model: ModelRow; role: BoxRole | null } | null> {
    const rows = await this.db.query<ModelRow & { member_role: BoxRole | null }>(
      `SELECT ${MODEL_COLUMNS}, (SELECT role FROM box_members WHERE box_id = $2 AND user_id = $3) AS member_role
       FROM ${MODEL_FROM} WHERE m.id = $1`,
      [id, boxId, userId],
    );
    if (!rows[0]) return null;
    const { member_role, ...model } = rows[0];
    return { model: model as ModelRow, role: member_role };
  }
  async findModelBySlug(slug: string): Promise<ModelRow | null> {
    return (await this.db.query(`${MODEL_SELECT} WHERE m.slug = $1`, [slug]))[0] ?? null;
  }

  async insertProvider(values: Partial<Record<(typeof PROVIDER_COLS)[number], unknown>>): Promise<ProviderRow> {
    return (await this.insert('ai_providers', PROVIDER_COLS, values)) as ProviderRow;
  }
  async updateProvider(id: string, values: Partial<Record<(typeof PROVIDER_COLS)[number], unknown>>): Promise<ProviderRow | null> {
    return (await this.update('ai_providers', PROVIDER_COLS, id, values)) as ProviderRow | null;
  }
  async insertModel(values: Partial<Record<(typeof MODEL_COLS)[number], unknown>>): Promise<string> {
    return ((await this.insert('ai_models', MODEL_COLS, values)) as { id: string }).id;
  }
  async updateModel(id: string, values: Partial<Record<(typeof MODEL_COLS)[number], unknown>>): Promise<boolean> {
    return !!(await this.update('ai_models', MODEL_COLS, id, values));
  }

  /**
   * Upserts a catalog in one transaction: providers by name, models by slug. A provider it creates
   * starts inactive (keys are never in a catalog); what an admin set on one (key, URLs, activity) is kept.
   */
  async upsertCatalog(catalog: Catalog): Promise<ImportReport> {
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

  private async insert(table: string, allowed: readonly string[], values: Record<string, unknown>) {
    const cols = allowed.filter((c) => values[c] !== undefined);
    const params = cols.map((c) => (JSON_COLS.has(c) && values[c] !== null ? JSON.stringify(values[c]) : values[c]));
    const rows = await this.db.query(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`, params);
    return rows[0];
  }

  private async update(table: string, allowed: readonly string[], id: string, values: Record<string, unknown>) {
    const cols = allowed.filter((c) => values[c] !== undefined);
    const params: unknown[] = [id, ...cols.map((c) => (JSON_COLS.has(c) && values[c] !== null ? JSON.stringify(values[c]) : values[c]))];
    const sets = cols.map((c, i) => `${c} = $${i + 2}`).concat('updated_at = now()');
    const rows = await this.db.query(`UPDATE ${table} SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, params);
    return rows[0] ?? null;
  }
}
