import { Injectable } from '@nestjs/common';
import type { AssetDto } from '@genbox/contracts';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { AssetMapper } from './asset.mapper.js';
import type { AssetRow } from './asset.row.js';

/** Turns a committed asset change (and its seq) into the socket event, in the REST wire shape. */
@Injectable()
export class AssetNotifier {
  constructor(
    private readonly mapper: AssetMapper,
    private readonly realtime: RealtimePublisher,
  ) {}

  /** `row` as inserted: the insert returns it, so nothing is read again. */
  created(row: AssetRow, seq: number): AssetDto {
    const dto = this.mapper.toDto(row);
    this.realtime.assetCreated(dto, seq);
    return dto;
  }

  /** `row` as the change left it: a transition or patch returns it, so nothing is read again. */
  updated(row: AssetRow, seq: number): AssetDto {
    const dto = this.mapper.toDto(row);
    this.realtime.assetUpdated(dto, seq);
    return dto;
  }

  deleted(boxId: string, id: string, seq: number): void {
    this.realtime.assetDeleted(boxId, id, seq);
  }
}
