import { Injectable } from '@nestjs/common';
import { IMPORTABLE_KINDS, importModelByName, ProviderError } from '@genbox/providers';
import type { ImportModelRequest, ImportedModelDto } from '@genbox/contracts';
import type { z } from 'zod';
import { AppError } from '../common/app-error.js';
import { CatalogRepository } from './catalog.repository.js';
import { CatalogService } from './catalog.service.js';
import { ProviderConfigs } from './provider-configs.js';

/** How long reading a provider's schema may take. */
const SCHEMA_TIMEOUT_MS = 30_000;

/**
 * Creates a model row from the schema its provider publishes (Replicate, fal): the admin types a name,
 * Genbox reads the schema and derives parameters_schema, which the admin can then adjust like any row.
 */
@Injectable()
export class ModelImportService {
  constructor(
    private readonly repo: CatalogRepository,
    private readonly catalog: CatalogService,
    private readonly configs: ProviderConfigs,
  ) {}

  async importModel(input: z.output<typeof ImportModelRequest>): Promise<ImportedModelDto> {
    const found = await this.configs.provider(input.provider_id);
    if (!found) throw new AppError('validation_failed', 'provider_id: no such provider');
    const provider = found.row;
    if (!(IMPORTABLE_KINDS as readonly string[]).includes(provider.kind)) {
      throw new AppError('validation_failed', `provider_id: ${provider.name} is a ${provider.kind} provider; import by name reads Replicate's and fal's published schemas`);
    }
    const ctx = { fetch: globalThis.fetch.bind(globalThis), signal: AbortSignal.timeout(SCHEMA_TIMEOUT_MS), now: () => Date.now(), log: () => undefined };
    const imported = await importModelByName(found.config, input.name, ctx).catch((e: unknown) => {
      throw asAppError(e, input.name);
    });
    const model = await this.catalog.createModel({
      provider_id: provider.id, name: imported.name, slug: await this.freeSlug(`${provider.kind}-${imported.api_endpoint}`),
      model_type: imported.model_type, input_type: imported.input_type, api_endpoint: imported.api_endpoint,
      // the provider's price is not in its schema: the admin sets the cost (credits) when adjusting the row
      request_schema: imported.request_schema ?? undefined, parameters_schema: imported.parameters_schema, cost: 0,
    });
    return { ...model, skipped: imported.skipped };
  }

  /** `replicate-google-veo-3-1-fast`, then `-2`, `-3`… if an admin imported it before. */
  private async freeSlug(from: string): Promise<string> {
    const base = from.toLowerCase().replace(/:[0-9a-f]{64}$/, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100);
    for (let n = 1; ; n++) {
      const slug = n === 1 ? base : `${base}-${n}`;
      if (!(await this.repo.findModelBySlug(slug))) return slug;
    }
  }
}

/** The provider's answer as the admin should read it: unknown name 404, bad name 400, the provider failing 502. */
function asAppError(e: unknown, name: string): unknown {
  if (!(e instanceof ProviderError)) return e;
  if (e.code === 'provider_not_found') return new AppError('not_found', `The provider has no model named "${name}": check the spelling (owner/name).`);
  if (e.code === 'template_invalid') return new AppError('validation_failed', `name: ${e.message}`);
  if (e.code === 'provider_auth') return new AppError('bad_request', `${e.message}`, 502);
  return new AppError('bad_request', `Could not read the schema of "${name}": ${e.message}`, 502);
}

