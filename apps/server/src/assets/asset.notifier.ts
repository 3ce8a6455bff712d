import { Injectable } from '@nestjs/common';
import type { AssetDto } from '@genbox/contracts';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { AssetMapper } from './asset.mapper.js';
import type { AssetRow } from './asset.row.js';
import { AssetsRepository } from './assets.repository.js';

/** Turns a committed asset change (and its seq) into the socket event, in the REST wire shape. */
@Injectable()
export class AssetNotifier {
  constructor(
    private readonly assets: AssetsRepository,
    private readonly mapper: AssetMapper,
    private readonly realtime: RealtimePublisher,
  ) {}

  /** `asset` is the id, or the row as inserted (no re-read). */
  async created(asset: string | AssetRow, seq: number): Promise<AssetDto | null> {
    const row = typeof asset === 'string' ? await this.assets.find(asset) : asset;
    if (!row) return null;
    const dto = this.mapper.toDto(row);
    this.realtime.assetCreated(dto, seq);
    return dto;
  }

  /** `asset` is the id, or the row as the change left it (a transition returns it: no re-read). */
  async updated(asset: string | AssetRow, seq: number): Promise<AssetDto | null> {
    const row = typeof asset === 'string' ? await this.assets.find(asset) : asset;
    if (!row) return null;
    const dto = this.mapper.toDto(row);
    this.realtime.assetUpdated(dto, seq);
    return dto;
  }

  deleted(boxId: string, id: string, seq: number): void {
    this.realtime.assetDeleted(boxId, id, seq);
  }
}
