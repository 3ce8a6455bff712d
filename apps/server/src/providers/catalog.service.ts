import { Inject, Injectable } from '@nestjs/common';
import type { CreateModelRequest, CreateProviderRequest, ModelAdminDto, ModelDto, ProviderDto, ProviderKind, UpdateModelRequest, UpdateProviderRequest } from '@genbox/contracts';
import type { z } from 'zod';
import { AppError } from '../common/app-error.js';
import { isUuid } from '../common/is-uuid.js';
import { SECRET_BOX, type SecretBox } from './secret-box.js';
import { CatalogRepository, toModelAdminDto, toModelDto, toProviderDto, type ModelRow, type ProviderRow } from './catalog.repository.js';
import { modelRowProblems } from './model-row-check.js';

/** Providers and models: what admins manage and what the generate form lists. */
@Injectable()
export class CatalogService {
  constructor(
    private readonly repo: CatalogRepository,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async activeModels(): Promise<ModelDto[]> {
    return (await this.repo.listModels(true)).map(toModelDto);
  }

  async allModels(): Promise<ModelAdminDto[]> {
    return (await this.repo.listModels(false)).map(toModelAdminDto);
  }

  async providers(): Promise<ProviderDto[]> {
    return (await this.repo.listProviders()).map(toProviderDto);
  }

  async model(id: string): Promise<ModelRow> {
    const m = isUuid(id) ? await this.repo.findModel(id) : null;
    if (!m) throw new AppError('not_found', 'Model not found');
    return m;
  }

  async createProvider(input: z.output<typeof CreateProviderRequest>): Promise<ProviderDto> {
    if (await this.repo.findProviderByName(input.name)) throw new AppError('conflict', `A provider named ${input.name} already exists`);
    checkChatTemplate(input.kind, input.chat_template);
    return toProviderDto(await this.repo.insertProvider(this.providerColumns(input)));
  }

  async updateProvider(id: string, input: z.output<typeof UpdateProviderRequest>): Promise<ProviderDto> {
    // entering a key is what a catalog provider waits for: it goes live unless told otherwise
    if (input.api_key && input.is_active === undefined) input = { ...input, is_active: true };
    if (input.chat_template || input.kind) {
      const current = isUuid(id) ? await this.repo.findProvider(id) : null;
      if (current) checkChatTemplate(input.kind ?? current.kind, input.chat_template === undefined ? current.chat_template : input.chat_template);
    }
    const row = isUuid(id) ? await this.repo.updateProvider(id, this.providerColumns(input)) : null;
    if (!row) throw new AppError('not_found', 'Provider not found');
    return toProviderDto(row);
  }

  async createModel(input: z.output<typeof CreateModelRequest>): Promise<ModelAdminDto> {
    const provider = await this.repo.findProvider(input.provider_id);
    if (!provider) throw new AppError('validation_failed', 'provider_id: no such provider');
    checkModelRow(provider.kind, input);
    if (await this.repo.findModelBySlug(input.slug)) throw new AppError('conflict', `A model with the slug ${input.slug} already exists`);
    const id = await this.repo.insertModel(input);
    return toModelAdminDto((await this.repo.findModel(id))!);
  }

  async updateModel(id: string, input: z.output<typeof UpdateModelRequest>): Promise<ModelAdminDto> {
    const current = await this.model(id);
    const provider = await this.repo.findProvider(input.provider_id ?? current.provider_id);
    if (!provider) throw new AppError('validation_failed', 'provider_id: no such provider');
    // the row as it would be after the change
    checkModelRow(provider.kind, { ...current, ...input });
    if (input.slug) {
      const other = await this.repo.findModelBySlug(input.slug);
      if (other && other.id !== id) throw new AppError('conflict', `A model with the slug ${input.slug} already exists`);
    }
    await this.repo.updateModel(id, input);
    return toModelAdminDto((await this.repo.findModel(id))!);
  }

  /** Secrets are sealed on the way in and never read back out through the API. */
  private providerColumns(input: z.output<typeof UpdateProviderRequest>): Partial<Record<keyof ProviderRow, unknown>> {
    const { api_key, webhook_secret, ...rest } = input;
    return {
      ...rest,
      api_key_encrypted: api_key === undefined ? undefined : api_key === null ? null : this.secrets.seal(api_key),
      webhook_secret_encrypted: webhook_secret === undefined ? undefined : webhook_secret === null ? null : this.secrets.seal(webhook_secret),
    };
  }
}

/** Only a template provider calls its chat models through a chat template (openai speaks chat completions itself). */
function checkChatTemplate(kind: ProviderKind, template: unknown): void {
  if (template && kind !== 'template') throw new AppError('validation_failed', `chat_template: only template providers have one; a ${kind} provider's chat models are called as its kind says`);
}

/** Refuses a model row that no generation could use, naming each problem (400). */
function checkModelRow(kind: ProviderKind, row: Parameters<typeof modelRowProblems>[1]): void {
  const problems = modelRowProblems(kind, row);
  if (problems.length) throw new AppError('validation_failed', problems.join('; '));
}
