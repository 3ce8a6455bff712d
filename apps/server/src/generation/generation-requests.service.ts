import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AssetDto, GenerateRequest } from '@genbox/contracts';
import { validateParameters } from '@genbox/providers';
import { AssetStatusWriter } from '../assets/asset-status.writer.js';
import { AssetsRepository } from '../assets/assets.repository.js';
import { AssetsService } from '../assets/assets.service.js';
import { BoxAccessService } from '../boxes/box-access.service.js';
import { isUuid } from '../common/is-uuid.js';
import { CatalogRepository } from '../providers/catalog.repository.js';
import { AppError } from '../common/app-error.js';
import { CreditsService } from '../credits/credits.service.js';
import { GenerationQueue } from './generation.queue.js';
import { ProviderCalls } from './provider-calls.js';

/**
 * What the REST routes ask of generations (the worker's side is the steps: submit, poll, finish):
 * start them (check the request against the model, create PENDING assets, enqueue their first
 * submit), cancel them and retry them.
 */
@Injectable()
export class GenerationRequests {
  constructor(
    private readonly access: BoxAccessService,
    private readonly catalog: CatalogRepository,
    private readonly assets: AssetsRepository,
    private readonly assetsService: AssetsService,
    private readonly writer: AssetStatusWriter,
    private readonly queue: GenerationQueue,
    private readonly calls: ProviderCalls,
    private readonly credits: CreditsService,
  ) {}

  async generate(userId: string, boxId: string, body: GenerateRequest & { count: number; priority?: number }): Promise<AssetDto[]> {
    // membership and model in one read; without a model, the membership check still comes first
    const found = isUuid(boxId) && isUuid(body.ai_model_id) ? await this.catalog.findModelWithRole(body.ai_model_id, boxId, userId) : null;
    if (found) this.access.check(found.role, 'editor', boxId);
    else await this.access.require(boxId, userId, 'editor');
    const model = found?.model;
    if (!model) throw new AppError('validation_failed', 'ai_model_id: no such model');
    if (!model.is_active || !model.provider_active) throw new AppError('invalid_parameters', `ai_model_id: ${model.name} is not available right now`);

    const checked = validateParameters(model.parameters_schema, body.generation_config);
    if (!checked.ok) throw new AppError('invalid_parameters', checked.errors.map((e) => `generation_config.${e.field}: ${e.message}`).join('; '));

    const parentId = body.parent_asset_id ?? null;
    if (model.input_type === 'IMAGE' && !parentId) throw new AppError('invalid_parameters', `parent_asset_id: ${model.name} animates an image: pick a finished image of this box`);
    if (parentId) {
      const parent = isUuid(parentId) ? await this.assets.find(parentId) : null;
      if (!parent || parent.box_id !== boxId) throw new AppError('invalid_parameters', 'parent_asset_id: no such asset in this box');
      if (parent.type !== 'IMAGE' || parent.status !== 'COMPLETED') throw new AppError('invalid_parameters', 'parent_asset_id: must be a finished image');
    }

    // a batch is a group of several: a single run has none, so every batch_id names a group of siblings to show and cancel together
    const batchId = body.count > 1 ? randomUUID() : null;
    const sourceType = model.model_type === 'VIDEO' && model.input_type === 'IMAGE' ? 'IMG2VID' : 'GENERATED';
    // the insert holds the model's cost per asset (credits trigger); short: 402, nothing created
    const created = await this.writer.create(boxId, Array.from({ length: body.count }, () => ({
      box_id: boxId, type: model.model_type, status: 'PENDING' as const, source_type: sourceType, parent_asset_id: parentId,
      model_id: model.id, prompt: body.prompt, generation_config: checked.params, created_by: userId, batch_id: batchId,
      // the secret in this asset's webhook URL: a callback without it is refused
      changes: { webhook_token: randomBytes(18).toString('base64url'), attempts: 1, priority: body.priority ?? null },
    })), (write) => this.credits.charging(userId, Number(model.cost) * body.count, write));
    for (const c of created) await this.queue.submitAttempt(c.row.id, 1, body.priority);
    return created.map((c) => c.dto);
  }

  async cancel(userId: string, assetId: string): Promise<AssetDto> {
    const row = await this.assetsService.readable(userId, assetId, 'editor');
    const moved = await this.cancelChecked(userId, assetId);
    if (!moved) throw new AppError('asset_wrong_state', `Only PENDING or PROCESSING assets can be canceled; this one is ${(await this.assets.find(assetId))?.status ?? row.status}`);
    return moved;
  }

  /**
   * The one cancel of a generation, for a caller that has checked the user may edit its box:
   * PENDING or PROCESSING → CANCELED through the status writer, then its waiting job, its provider
   * slot and its task at the provider. Null when it was final already (or another caller won).
   */
  async cancelChecked(userId: string, assetId: string, detail: Record<string, unknown> = {}): Promise<AssetDto | null> {
    const moved = await this.writer.move(assetId, ['PENDING', 'PROCESSING'], 'CANCELED', { completed_at: new Date() }, { detail: { by: userId, ...detail } });
    if (!moved) return null;
    await this.calls.cancelRemote(moved.row);
    return moved.dto;
  }

  async retry(userId: string, assetId: string): Promise<AssetDto> {
    const row = await this.assetsService.readable(userId, assetId, 'editor');
    if (row.source_type === 'UPLOADED') throw new AppError('asset_wrong_state', 'Uploaded assets have nothing to retry');
    const model = row.model_id ? await this.catalog.findModel(row.model_id) : null;
    if (!model || !model.is_active || !model.provider_active) throw new AppError('invalid_parameters', `ai_model_id: ${model?.name ?? 'the model of this asset'} is not available any more: start a new generation with another model`);
    const attempt = row.attempts + 1;
    // back to PENDING holds the model's cost again, from the retrying user's balance (credits trigger)
    const moved = await this.writer.move(assetId, ['FAILED', 'CANCELED'], 'PENDING', {
      attempts: attempt, error_code: null, error_message: null, progress: null, external_task_id: null, provider_state: null, started_at: null, completed_at: null,
      webhook_token: randomBytes(18).toString('base64url'),
    }, { detail: { by: userId, attempt }, within: (write) => this.credits.charging(row.created_by ?? userId, Number(model.cost), write) });
    if (!moved) throw new AppError('asset_wrong_state', `Only FAILED or CANCELED assets can be retried; this one is ${row.status}`);
    await this.queue.submitAttempt(assetId, attempt, row.priority);
    return moved.dto;
  }
}
