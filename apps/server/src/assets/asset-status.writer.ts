import { Injectable } from '@nestjs/common';
import type { AssetDto, AssetStatus } from '@genbox/contracts';
import type { Queryable } from '../database/database.js';
import { AssetNotifier } from './asset.notifier.js';
import type { AssetRow } from './asset.row.js';
import { type AssetChanges, AssetsRepository, type NewAsset } from './assets.repository.js';

/** A change that won: the row as it left it, the box seq it bumped, and the wire shape its event carried. */
export interface AssetWritten { row: AssetRow; seq: number; dto: AssetDto }
/** Rows inserted inside a caller's transaction: their `asset.created` waits for `announceCreated`, after the commit. */
export interface AssetInserted { id: string; row: AssetRow; seq: number }

/**
 * The one writer of an asset's status. Every birth (PENDING generation, COMPLETED upload or
 * frame, PROCESSING film) and every move goes through here: the repository writes the row, its
 * history row and the box's seq bump in one statement (moves only along the transition table in
 * libs/contracts, guarded so two racing callers cannot both win), and the caller that won, alone,
 * sends the event. A lost race changes nothing and sends nothing. Field changes while in a status
 * (progress, task id, markers) come here too, since they bump the seq and send `asset.updated`.
 *
 * `within` runs the write inside something the caller needs around it (the credits hold of
 * `CreditsService.charging`); the event goes once that has returned, as before this writer existed.
 */
@Injectable()
export class AssetStatusWriter {
  constructor(
    private readonly assets: AssetsRepository,
    private readonly notifier: AssetNotifier,
  ) {}

  /**
   * Moves the asset from one of `from` to `to` (with `onlyAttempt`, only while it is that attempt);
   * null when someone else moved it first (or it is gone): then nothing was written or sent.
   */
  async move(id: string, from: AssetStatus[], to: AssetStatus, changes: AssetChanges = {}, opts: MoveOptions = {}): Promise<(AssetWritten & { from: AssetStatus }) | null> {
    const write = () => this.assets.transition(id, from, to, changes, opts.detail, opts.onlyAttempt);
    const moved = await (opts.within ? opts.within(write) : write());
    if (!moved) return null;
    return { ...moved, dto: this.notifier.updated(moved.row, moved.seq) };
  }

  /** Changes fields while the asset is in one of `inStatus` (no history row); null when it is not. */
  async patch(id: string, inStatus: AssetStatus[], changes: AssetChanges): Promise<AssetWritten | null> {
    const patched = await this.assets.patch(id, inStatus, changes);
    if (!patched) return null;
    return { ...patched, dto: this.notifier.updated(patched.row, patched.seq) };
  }

  /** Creates assets of one box, each with its history row and seq bump, and sends each `asset.created`. */
  async create(boxId: string, assets: NewAsset[], within?: Within): Promise<AssetWritten[]> {
    const write = () => this.assets.insert(boxId, assets);
    const created = await (within ? within(write) : write());
    return created.map((c) => ({ row: c.row, seq: c.seq, dto: this.notifier.created(c.row, c.seq) }));
  }

  /**
   * Creates assets inside the caller's transaction `q`, where they must appear together with its
   * own change (a storyboard's scene slot). No event yet: the transaction may still roll back or
   * lose; the caller sends it with `announceCreated` once its transaction has committed and won.
   */
  createIn(q: Queryable, boxId: string, assets: NewAsset[]): Promise<AssetInserted[]> {
    return this.assets.insert(boxId, assets, q);
  }

  /** The `asset.created` of a row `createIn` inserted, after the caller's commit. */
  announceCreated(created: AssetInserted): AssetDto {
    return this.notifier.created(created.row, created.seq);
  }
}

/** Runs a write inside whatever the caller must hold around it (a credits hold), returning what the write returned. */
export type Within = <T>(write: () => Promise<T>) => Promise<T>;

export interface MoveOptions {
  /** Stored in the history row (who, why). */
  detail?: Record<string, unknown>;
  /** Move only while the asset is still this attempt: a late job of an earlier one changes nothing. */
  onlyAttempt?: number;
  within?: Within;
}
