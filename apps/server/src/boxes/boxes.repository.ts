import { Inject, Injectable } from '@nestjs/common';
import type { BoxDto, BoxRole, MemberDto } from '@genbox/contracts';
import { DATABASE } from '../common/tokens.js';
import type { Database, Queryable } from '../database/database.js';

export interface BoxRow { id: string; name: string; owner_id: string; event_seq: string; paused: boolean; created_at: Date; updated_at: Date }

export const toBoxDto = (b: BoxRow, role: BoxRole): BoxDto => ({
  id: b.id,
  name: b.name,
  owner_id: b.owner_id,
  role,
  seq: Number(b.event_seq),
  paused: b.paused,
  created_at: b.created_at.toISOString(),
  updated_at: b.updated_at.toISOString(),
});

/** Bumps the box's event counter inside the caller's transaction: the seq of the change being made. */
export async function bumpSeq(q: Queryable, boxId: string): Promise<number> {
  const rows = await q.query<{ event_seq: string }>('UPDATE boxes SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq', [boxId]);
  return Number(rows[0]!.event_seq);
}

@Injectable()
export class BoxesRepository {
  constructor(@Inject(DATABASE) readonly db: Database) {}

  async listForUser(userId: string): Promise<{ box: BoxRow; role: BoxRole }[]> {
    const rows = await this.db.query(
      `SELECT b.*, m.role FROM boxes b JOIN box_members m ON m.box_id = b.id WHERE m.user_id = $1 ORDER BY b.updated_at DESC, b.id`,
      [userId],
    );
    return rows.map((r) => ({ box: r, role: r.role }));
  }

  async find(boxId: string): Promise<BoxRow | null> {
    return (await this.db.query('SELECT * FROM boxes WHERE id = $1', [boxId]))[0] ?? null;
  }

  async roleOf(boxId: string, userId: string): Promise<BoxRole | null> {
    const rows = await this.db.query('SELECT role FROM box_members WHERE box_id = $1 AND user_id = $2', [boxId, userId]);
    return rows[0]?.role ?? null;
  }

  /** The caller's role and the box seq their membership began at (replays start no earlier); null for an outsider. */
  async membership(boxId: string, userId: string): Promise<{ role: BoxRole; joinedSeq: number } | null> {
    const [r] = await this.db.query('SELECT role, joined_seq FROM box_members WHERE box_id = $1 AND user_id = $2', [boxId, userId]);
    return r ? { role: r.role, joinedSeq: Number(r.joined_seq) } : null;
  }

  async create(name: string, ownerId: string): Promise<BoxRow> {
    return this.db.tx(async (q) => {
      const [box] = await q.query<BoxRow>('INSERT INTO boxes (name, owner_id) VALUES ($1, $2) RETURNING *', [name, ownerId]);
      await q.query(`INSERT INTO box_members (box_id, user_id, role) VALUES ($1, $2, 'owner')`, [box!.id, ownerId]);
      return box!;
    });
  }

  async rename(boxId: string, name: string): Promise<{ box: BoxRow; seq: number }> {
    return this.db.tx(async (q) => {
      const seq = await bumpSeq(q, boxId);
      const [box] = await q.query<BoxRow>('UPDATE boxes SET name = $2, updated_at = now() WHERE id = $1 RETURNING *', [boxId, name]);
      return { box: box!, seq };
    });
  }

  /** Pauses or resumes the box's queue; null when it already was so (no event). */
  async setPaused(boxId: string, paused: boolean): Promise<{ box: BoxRow; seq: number } | null> {
    return this.db.tx(async (q) => {
      const [box] = await q.query<BoxRow>('UPDATE boxes SET paused = $2, updated_at = now() WHERE id = $1 AND paused <> $2 RETURNING *', [boxId, paused]);
      if (!box) return null;
      const seq = await bumpSeq(q, boxId);
      return { box: { ...box, event_seq: String(seq) }, seq };
    });
  }

  async isPaused(boxId: string): Promise<boolean> {
    return !!(await this.db.query<{ paused: boolean }>('SELECT paused FROM boxes WHERE id = $1', [boxId]))[0]?.paused;
  }

  /** Deletes the box (its assets and resumable uploads go with it, by cascade); returns the storage keys their files and pieces leave behind. */
  async delete(boxId: string): Promise<string[]> {
    return this.db.tx(async (q) => {
      const rows = await q.query<{ k: string | null }>('SELECT unnest(array[storage_key, thumbnail_key]) AS k FROM assets WHERE box_id = $1', [boxId]);
      // unfinished resumable uploads go with the box (the rows by cascade), so their stored pieces
      // do too; FOR UPDATE: a PATCH appending now waits, finds no row, and deletes its own piece
      const uploads = await q.query<{ part_keys: string[] }>('SELECT part_keys FROM resumable_uploads WHERE box_id = $1 FOR UPDATE', [boxId]);
      for (const u of uploads) rows.push(...u.part_keys.map((k) => ({ k })));
      await q.query('DELETE FROM boxes WHERE id = $1', [boxId]);
      return rows.map((r) => r.k).filter((k): k is string => !!k);
    });
  }

  async members(boxId: string): Promise<MemberDto[]> {
    return this.db.query(
      `SELECT u.id AS user_id, u.email, u.display_name, m.role FROM box_members m JOIN users u ON u.id = m.user_id
       WHERE m.box_id = $1 ORDER BY (m.role = 'owner') DESC, m.created_at, u.email`,
      [boxId],
    );
  }

  /**
   * Adds or changes a member; returns the member and the event seq, null when nothing changed, or
   * 'last_owner' when it would leave the box without an owner.
   */
  async upsertMember(boxId: string, userId: string, role: BoxRole, onlyIfMember: boolean): Promise<{ member: MemberDto; seq: number } | null | 'last_owner'> {
    return this.db.tx(async (q) => {
      if (role !== 'owner' && (await isLastOwner(q, boxId, userId))) return 'last_owner';
      const changed = onlyIfMember
        ? await q.query('UPDATE box_members SET role = $3 WHERE box_id = $1 AND user_id = $2 AND role <> $3 RETURNING user_id', [boxId, userId, role])
        : await q.query(
            `INSERT INTO box_members (box_id, user_id, role) VALUES ($1, $2, $3)
             ON CONFLICT (box_id, user_id) DO NOTHING RETURNING user_id`,
            [boxId, userId, role],
          );
      if (changed.length === 0) return null;
      const seq = await bumpSeq(q, boxId);
      if (!onlyIfMember) await q.query('UPDATE box_members SET joined_seq = $3 WHERE box_id = $1 AND user_id = $2', [boxId, userId, seq]);
      const [member] = await q.query<MemberDto>(
        'SELECT u.id AS user_id, u.email, u.display_name, m.role FROM box_members m JOIN users u ON u.id = m.user_id WHERE m.box_id = $1 AND m.user_id = $2',
        [boxId, userId],
      );
      return { member: member!, seq };
    });
  }

  /** Removes a member; returns the event seq, null when they were no member, or 'last_owner' when they are the box's only owner. */
  async removeMember(boxId: string, userId: string): Promise<number | null | 'last_owner'> {
    return this.db.tx(async (q) => {
      if (await isLastOwner(q, boxId, userId)) return 'last_owner';
      const gone = await q.query('DELETE FROM box_members WHERE box_id = $1 AND user_id = $2 RETURNING user_id', [boxId, userId]);
      return gone.length ? bumpSeq(q, boxId) : null;
    });
  }
}

/**
 * Whether `userId` is the box's only owner. Locks the box row first, so membership changes of one
 * box run one at a time: two owners stepping down together cannot both see the other still there.
 */
async function isLastOwner(q: Queryable, boxId: string, userId: string): Promise<boolean> {
  await q.query('SELECT 1 FROM boxes WHERE id = $1 FOR UPDATE', [boxId]);
  const [r] = await q.query<{ mine: boolean; owners: number }>(
    `SELECT bool_or(user_id = $2) AS mine, count(*)::int AS owners FROM box_members WHERE box_id = $1 AND role = 'owner'`,
    [boxId, userId],
  );
  return !!r?.mine && r.owners <= 1;
}
