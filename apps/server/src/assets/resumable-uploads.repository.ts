import { Inject, Injectable } from '@nestjs/common';
import { DATABASE } from '../common/tokens.js';
import type { Database } from '../database/database.js';

export interface ResumableUploadRow {
  id: string;
  box_id: string;
  user_id: string;
  length: number;
  received: number;
  part_keys: string[];
  filename: string | null;
  prompt: string | null;
  /** Someone holds the write lease now (seen within LEASE_S). */
  busy: boolean;
  asset_id: string | null;
  expires_at: Date;
}

/** A PATCH renews its lease at least this often; a lease older than LEASE_S belongs to a node that died. */
export const LEASE_RENEW_MS = 5_000;
const LEASE_S = 20;

const SELECT = `SELECT id, box_id, user_id, length::float8 AS length, received::float8 AS received, part_keys, filename, prompt,
  (writer IS NOT NULL AND writer_seen > now() - interval '${LEASE_S} seconds') AS busy, asset_id, expires_at FROM resumable_uploads`;

/**
 * The rows of resumable uploads. Every write is one guarded statement: a piece counts only if the
 * writer still holds the lease and the offset it started from is still the upload's offset, so
 * two PATCHes can never both append at the same place.
 */
@Injectable()
export class ResumableUploadsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async create(u: { boxId: string; userId: string; length: number; filename: string | null; prompt: string | null; ttlS: number }): Promise<ResumableUploadRow> {
    const [row] = await this.db.query<{ id: string }>(
      `INSERT INTO resumable_uploads (box_id, user_id, length, filename, prompt, expires_at) VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6)) RETURNING id`,
      [u.boxId, u.userId, u.length, u.filename, u.prompt, u.ttlS],
    );
    return (await this.find(row!.id))!;
  }

  async find(id: string): Promise<ResumableUploadRow | null> {
    const [row] = await this.db.query<ResumableUploadRow>(`${SELECT} WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** Takes the write lease when the upload is at `offset` and nobody else writes; null otherwise. */
  async claim(id: string, offset: number, writer: string): Promise<ResumableUploadRow | null> {
    const rows = await this.db.query<{ id: string }>(
      `UPDATE resumable_uploads SET writer = $3, writer_seen = now()
        WHERE id = $1 AND received = $2 AND asset_id IS NULL AND expires_at > now() AND (writer IS NULL OR writer_seen <= now() - interval '${LEASE_S} seconds') RETURNING id`,
      [id, offset, writer],
    );
    return rows.length ? this.find(id) : null;
  }

  async renew(id: string, writer: string): Promise<void> {
    await this.db.query(`UPDATE resumable_uploads SET writer_seen = now() WHERE id = $1 AND writer = $2`, [id, writer]);
  }

  /**
   * Appends a stored piece and moves the expiry to `ttlS` from now (an upload expires when bytes
   * stop coming, not while a slow one is still arriving); false when the lease was lost meanwhile
   * or the row is gone (the caller deletes its piece).
   */
  async append(id: string, writer: string, key: string, bytes: number, ttlS: number): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE resumable_uploads SET received = received + $4, part_keys = array_append(part_keys, $3), writer_seen = now(),
              expires_at = now() + make_interval(secs => $5)
        WHERE id = $1 AND writer = $2 AND received + $4 <= length RETURNING id`,
      [id, writer, key, bytes, ttlS],
    );
    return rows.length > 0;
  }

  async complete(id: string, writer: string, assetId: string): Promise<void> {
    await this.db.query(`UPDATE resumable_uploads SET asset_id = $3, part_keys = '{}', writer = NULL WHERE id = $1 AND writer = $2`, [id, writer, assetId]);
  }

  async release(id: string, writer: string): Promise<void> {
    await this.db.query(`UPDATE resumable_uploads SET writer = NULL WHERE id = $1 AND writer = $2`, [id, writer]);
  }

  /** Deletes the row; the pieces it still named, for the caller to delete from storage. */
  async remove(id: string): Promise<string[] | null> {
    const [row] = await this.db.query<{ part_keys: string[] }>(`DELETE FROM resumable_uploads WHERE id = $1 RETURNING part_keys`, [id]);
    return row ? row.part_keys : null;
  }

  /**
   * Removes up to `limit` uploads past their expiry that nobody writes; their pieces' keys.
   * SKIP LOCKED: workers sweeping at once each take different rows, and none waits on a PATCH.
   */
  async removeExpired(limit: number): Promise<{ count: number; keys: string[] }> {
    const rows = await this.db.query<{ part_keys: string[] }>(
      `DELETE FROM resumable_uploads WHERE id IN (
         SELECT id FROM resumable_uploads WHERE expires_at < now() AND (writer IS NULL OR writer_seen <= now() - interval '${LEASE_S} seconds')
          ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED
       ) RETURNING part_keys`,
      [limit],
    );
    return { count: rows.length, keys: rows.flatMap((r) => r.part_keys) };
  }
}
