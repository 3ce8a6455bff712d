import { Inject, Injectable } from '@nestjs/common';
import type { AssetStatus } from '@genbox/contracts';
import { DATABASE } from '../common/tokens.js';
import type { Database } from '../database/database.js';
import { ASSET_SELECT, type AssetRow } from './asset.row.js';

/** A batch as read: its assets per status, its box's pause flag, and the queue position of its first waiting asset. */
export interface BatchState {
  counts: Partial<Record<AssetStatus, number>>;
  boxPaused: boolean;
  /** 1 = the next generation a worker takes; null when none of it waits or its box is paused. */
  queuePosition: number | null;
}

/**
 * The reads of a batch (the assets of one generate call with count > 1, sharing `batch_id`).
 * Its writes are status moves, which go through the status writer like any other asset's.
 */
@Injectable()
export class BatchesRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The batch of this box, or null when the box has no asset of it. */
  async state(boxId: string, batchId: string): Promise<BatchState | null> {
    const counts = await this.db.query<{ status: AssetStatus; n: number; paused: boolean }>(
      `SELECT a.status, count(*)::int AS n, bool_or(b.paused) AS paused
       FROM assets a JOIN boxes b ON b.id = a.box_id
       WHERE a.box_id = $1 AND a.batch_id = $2 GROUP BY a.status`,
      [boxId, batchId],
    );
    if (!counts.length) return null;
    const boxPaused = counts[0]!.paused;
    const waits = counts.some((c) => c.status === 'PENDING');
    return {
      counts: Object.fromEntries(counts.map((c) => [c.status, c.n])),
      boxPaused,
      queuePosition: waits && !boxPaused ? await this.queuePosition(batchId) : null,
    };
  }

  /**
   * 1 + how many PENDING generations of unpaused boxes, install-wide, come before the batch's
   * first one in the worker's order: Bull takes prioritized jobs first (1 first, none after all of
   * them), then in the order they were queued; an asset is queued when it is created or retried,
   * which is the time of its latest history row into PENDING. Bull's own lists are not read: a
   * paused box's assets have no job there, and jobs waiting for a provider slot sit delayed, so
   * the rows say more truly who waits than Redis does.
   */
  private async queuePosition(batchId: string): Promise<number | null> {
    const [row] = await this.db.query<{ ahead: number | null }>(
      `WITH waiting AS (
         SELECT a.id, a.batch_id, a.created_at, coalesce(a.priority, 101) AS prio,
                coalesce((SELECT max(e.at) FROM asset_events e WHERE e.asset_id = a.id AND e.to_status = 'PENDING'), a.created_at) AS queued_at
         FROM assets a JOIN boxes b ON b.id = a.box_id
         WHERE a.status = 'PENDING' AND NOT b.paused),
       head AS (SELECT * FROM waiting WHERE batch_id = $1 ORDER BY prio, queued_at, created_at, id LIMIT 1)
       SELECT (SELECT count(*)::int FROM waiting w
               WHERE (w.prio, w.queued_at, w.created_at, w.id) < (h.prio, h.queued_at, h.created_at, h.id)) AS ahead
       FROM head h`,
      [batchId],
    );
    return row?.ahead == null ? null : row.ahead + 1;
  }

  /** The batch's assets that are not final yet, the waiting ones first (so a worker cannot start one while the rest are canceled). */
  async unfinished(boxId: string, batchId: string): Promise<AssetRow[]> {
    return this.db.query<AssetRow>(
      `${ASSET_SELECT} WHERE a.box_id = $1 AND a.batch_id = $2 AND a.status IN ('PENDING', 'PROCESSING')
       ORDER BY a.status = 'PENDING' DESC, a.created_at, a.id`,
      [boxId, batchId],
    );
  }
}
