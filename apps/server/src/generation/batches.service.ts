import { Injectable } from '@nestjs/common';
import { ASSET_STATUSES, type AssetDto, type BatchDto, type CancelBatchResult } from '@genbox/contracts';
import { BatchesRepository } from '../assets/batches.repository.js';
import { BoxAccessService } from '../boxes/box-access.service.js';
import { notFound } from '../common/app-error.js';
import { isUuid } from '../common/is-uuid.js';
import { GenerationRequests } from './generation-requests.service.js';

/**
 * Batches (the assets of one generate call with count > 1): how one stands, for any member, and
 * cancel all, for editors. Canceling goes asset by asset through the one cancel of a generation
 * (`GenerationRequests.cancelChecked`: the status writer, then the provider), so a batch's cancel
 * does nothing a single cancel would not.
 */
@Injectable()
export class BatchesService {
  constructor(
    private readonly access: BoxAccessService,
    private readonly batches: BatchesRepository,
    private readonly generations: GenerationRequests,
  ) {}

  async get(userId: string, boxId: string, batchId: string): Promise<BatchDto> {
    await this.access.require(boxId, userId, 'viewer');
    return this.read(boxId, batchId);
  }

  /** Cancels what is not final yet; a second call finds nothing left and cancels nothing. */
  async cancel(userId: string, boxId: string, batchId: string): Promise<CancelBatchResult> {
    await this.access.require(boxId, userId, 'editor');
    await this.read(boxId, batchId); // 404 for a batch of another box, before anything moves
    const canceled: AssetDto[] = [];
    for (const row of await this.batches.unfinished(boxId, batchId)) {
      const dto = await this.generations.cancelChecked(userId, row.id, { batch: batchId });
      if (dto) canceled.push(dto); // null: it finished (or was canceled) meanwhile, and stays so
    }
    return { canceled, batch: await this.read(boxId, batchId) };
  }

  private async read(boxId: string, batchId: string): Promise<BatchDto> {
    const state = isUuid(batchId) ? await this.batches.state(boxId, batchId) : null;
    if (!state) throw notFound('Batch');
    const counts = Object.fromEntries(ASSET_STATUSES.map((s) => [s, state.counts[s] ?? 0])) as BatchDto['counts'];
    return {
      id: batchId, box_id: boxId, total: Object.values(counts).reduce((n, c) => n + c, 0), counts,
      queue_position: state.queuePosition, box_paused: state.boxPaused,
    };
  }
}
