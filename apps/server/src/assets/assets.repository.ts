import { Inject, Injectable } from '@nestjs/common';
import { type AssetStatus, type AssetType, type SourceType, canMove } from '@genbox/contracts';
import { bumpSeq } from '../boxes/boxes.repository.js';
import { DATABASE } from '../common/tokens.js';
import type { Database, Queryable } from '../database/database.js';
import { ASSET_SELECT, JOINED_COLUMNS, JOINS, assetSelectFrom, type AssetRow } from './asset.row.js';

/** Columns a transition or patch may set (never id, box or status, which have their own paths). */
export interface AssetChanges {
  external_task_id?: string | null;
  provider_state?: string | null;
  error_code?: string | null;
  error_message?: string | null;
  progress?: number | null;
  storage_key?: string | null;
  mime_type?: string | null;
  size_bytes?: number | null;
  width?: number | null;
  height?: number | null;
  duration_s?: number | null;
  thumbnail_key?: string | null;
  webhook_token?: string | null;
  started_at?: Date | null;
  completed_at?: Date | null;
  attempts?: number;
  /** Queue priority, 1 first (Bull's); kept so a resumed box submits in order. */
  priority?: number | null;
}

export interface NewAsset {
  box_id: string;
  type: AssetType;
  status: AssetStatus;
  source_type: SourceType;
  parent_asset_id?: string | null;
  model_id?: string | null;
  prompt?: string | null;
  generation_config?: Record<string, unknown>;
  created_by: string;
  id?: string;
  /** One generate call with count > 1 (all its assets share it). */
  batch_id?: string | null;
  changes?: AssetChanges;
}

/** An asset read by a generation job: its box's pause flag and its catalog rows' stamp (null without a model). */
export interface WorkAssetRow extends AssetRow { box_paused: boolean; catalog_stamp: string | null }

/**
 * Every asset query; status changes are guarded so a racing caller cannot move an asset twice.
 * Its writes (insert, transition, patch) are called by `AssetStatusWriter` alone, which sends the
 * event of the change that won.
 */
@Injectable()
export class AssetsRepository {
  constructor(@Inject(DATABASE) readonly db: Database) {}

  async find(id: string): Promise<AssetRow | null> {
    return (await this.db.query<AssetRow>(`${ASSET_SELECT} WHERE a.id = $1`, [id]))[0] ?? null;
  }

  /**
   * The asset as a generation job needs it, in one round trip: whether its box is paused, and a
   * stamp of its model and provider rows (their xmin: it changes with every update of either,
   * admin PATCH, catalog import or seed alike) so a cached copy of them is known to be current.
   */
  async findForWork(id: string): Promise<WorkAssetRow | null> {
    return (await this.db.query<WorkAssetRow>(
      `SELECT a.*, ${JOINED_COLUMNS}, b.paused AS box_paused, m.xmin::text || ':' || mp.xmin::text AS catalog_stamp
       FROM assets a${JOINS}
       JOIN boxes b ON b.id = a.box_id
       LEFT JOIN ai_providers mp ON mp.id = m.provider_id
       WHERE a.id = $1`,
      [id],
    ))[0] ?? null;
  }

  async findMany(ids: string[]): Promise<AssetRow[]> {
    return this.db.query<AssetRow>(`${ASSET_SELECT} WHERE a.id = ANY($1::uuid[]) ORDER BY a.created_at DESC, a.id DESC`, [ids]);
  }

  /**
   * Inserts assets of one box, each with its history row and seq bump in one statement (one
   * transaction for several); returns each row as the wire needs it and the seq of its asset.created.
   * Inside a caller's transaction (`on`) when the assets must appear together with its own change.
   */
  async insert(boxId: string, assets: NewAsset[], on?: Queryable): Promise<{ id: string; seq: number; row: AssetRow }[]> {
    const one = async (q: Queryable, a: NewAsset) => {
      const c = a.changes ?? {};
      const cols = ['box_id', 'type', 'status', 'source_type', 'parent_asset_id', 'model_id', 'prompt', 'generation_config', 'created_by', ...Object.keys(c)];
      const vals: unknown[] = [boxId, a.type, a.status, a.source_type, a.parent_asset_id ?? null, a.model_id ?? null, a.prompt ?? null, JSON.stringify(a.generation_config ?? {}), a.created_by, ...Object.values(c)];
      if (a.id) cols.push('id'), vals.push(a.id);
      if (a.batch_id) cols.push('batch_id'), vals.push(a.batch_id);
      const [r] = await q.query<AssetRow & { event_seq: string }>(
        `WITH ins AS (INSERT INTO assets (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *),
         ev AS (INSERT INTO asset_events (asset_id, from_status, to_status) SELECT id, NULL, status FROM ins),
         seq AS (UPDATE boxes b SET event_seq = b.event_seq + 1 FROM ins WHERE b.id = ins.box_id RETURNING b.event_seq)
         ${assetSelectFrom('ins', '(SELECT event_seq FROM seq) AS event_seq')}`,
        vals,
      );
      const { event_seq, ...row } = r!;
      return { id: row.id, seq: Number(event_seq), row };
    };
    if (assets.length === 1) return [await one(on ?? this.db, assets[0]!)];
    const all = async (q: Queryable) => {
      const out: { id: string; seq: number; row: AssetRow }[] = [];
      for (const a of assets) out.push(await one(q, a));
      return out;
    };
    return on ? all(on) : this.db.tx(all);
  }

  /**
   * Moves an asset from one of `from` to `to` and records it, with the seq bump, in one statement
   * (one transaction, one round trip). Returns the moved row as the wire needs it, or null when
   * the asset was not in `from` (someone else moved it first). With `onlyAttempt`, only that attempt
   * of the asset moves (a late job of an earlier attempt does nothing).
   *
   * Plain SQL on purpose, not TypeORM's entity manager (asset.entity.ts describes the table): the
   * guard, the history row and the seq bump are one statement, so PostgreSQL alone decides which
   * of two racing callers wins, in one round trip; a find-then-save would need a transaction with
   * a row lock and four round trips for the same, and could not hand back the joined wire row.
   */
  // Plain SQL on purpose, like insert() and patch(): one statement locks the row, moves it only if
  // it is still in `from`, writes the history row and bumps the box's seq, in one round trip and
  // one transaction. TypeORM's query builder cannot write data-modifying CTEs, and doing it as
  // separate calls would take a transaction and three more round trips on every status change.
  async transition(id: string, from: AssetStatus[], to: AssetStatus, changes: AssetChanges = {}, detail?: Record<string, unknown>, onlyAttempt?: number): Promise<{ seq: number; from: AssetStatus; row: AssetRow } | null> {
    // every move must be an edge of the transition table in libs/contracts: a caller cannot invent one
    const refused = from.filter((f) => !canMove(f, to));
    if (!from.length || refused.length) throw new Error(`${refused.join(', ') || 'nothing'} → ${to} is not in the asset transition table`);
    const { sets, params } = setClause(changes, [id, from, to, detail ? JSON.stringify(detail) : null, onlyAttempt ?? null]);
    // the asset row is locked before the box row (seq depends on moved), as in every other write
    const rows = await this.db.query<AssetRow & { from_status: AssetStatus; event_seq: string }>(
      `WITH prev AS (SELECT id, status, attempts FROM assets WHERE id = $1 FOR UPDATE),
       moved AS (
         UPDATE assets a SET status = $3, updated_at = now()${sets}
         FROM prev WHERE a.id = prev.id AND prev.status = ANY($2::text[]) AND ($5::int IS NULL OR prev.attempts = $5::int)
         RETURNING a.*, prev.status AS from_status),
       ev AS (INSERT INTO asset_events (asset_id, from_status, to_status, detail) SELECT id, from_status, $3, $4::jsonb FROM moved),
       seq AS (UPDATE boxes b SET event_seq = b.event_seq + 1 FROM moved WHERE b.id = moved.box_id RETURNING b.event_seq)
       ${assetSelectFrom('moved', '(SELECT event_seq FROM seq) AS event_seq')}`,
      params,
    );
    const r = rows[0];
    if (!r) return null;
    const { from_status, event_seq, ...row } = r;
    return { seq: Number(event_seq), from: from_status, row };
  }

  /**
   * Changes fields (progress, task id) while the asset is in one of `inStatus`; no history row.
   * The change and the seq bump are one statement (one transaction, one round trip; asset row
   * locked before the box row, as in transition()). Returns the changed row as the wire needs it
   * and the seq, or null when not in `inStatus`.
   */
  async patch(id: string, inStatus: AssetStatus[], changes: AssetChanges): Promise<{ seq: number; row: AssetRow } | null> {
    const { sets, params } = setClause(changes, [id, inStatus]);
    const rows = await this.db.query<AssetRow & { event_seq: string }>(
      `WITH changed AS (UPDATE assets SET updated_at = now()${sets} WHERE id = $1 AND status = ANY($2::text[]) RETURNING *),
       seq AS (UPDATE boxes b SET event_seq = b.event_seq + 1 FROM changed WHERE b.id = changed.box_id RETURNING b.event_seq)
       ${assetSelectFrom('changed', '(SELECT event_seq FROM seq) AS event_seq')}`,
      params,
    );
    const r = rows[0];
    if (!r) return null;
    const { event_seq, ...row } = r;
    return { seq: Number(event_seq), row };
  }

  /** Deletes the row; returns the stored keys to remove and the event seq, or null when already gone. */
  async delete(id: string): Promise<{ boxId: string; keys: string[]; seq: number } | null> {
    return this.db.tx(async (q) => {
      const rows = await q.query<{ box_id: string; storage_key: string | null; thumbnail_key: string | null }>(
        'DELETE FROM assets WHERE id = $1 RETURNING box_id, storage_key, thumbnail_key',
        [id],
      );
      if (!rows.length) return null;
      const r = rows[0]!;
      return { boxId: r.box_id, keys: [r.storage_key, r.thumbnail_key].filter((k): k is string => !!k), seq: await bumpSeq(q, r.box_id) };
    });
  }

  /** Ids of unfinished assets (PENDING, PROCESSING) unchanged for `ms`: the queue reconciler's candidates. */
  async unfinishedIdleFor(ms: number): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT id FROM assets WHERE status IN ('PENDING', 'PROCESSING') AND updated_at < now() - ($1 || ' milliseconds')::interval`,
      [ms],
    );
    return rows.map((r) => r.id);
  }

  /** A box's generations waiting to be submitted, in queue order: priority (1 first, none last), then age. */
  async pendingOfBox(boxId: string): Promise<{ id: string; attempts: number; priority: number | null }[]> {
    return this.db.query(
      `SELECT id, attempts, priority FROM assets WHERE box_id = $1 AND status = 'PENDING' AND source_type <> 'UPLOADED'
       ORDER BY priority ASC NULLS LAST, created_at ASC, id ASC`,
      [boxId],
    );
  }

  /** Assets made from this one (its image-to-video runs), newest first. */
  async childrenOf(id: string): Promise<AssetRow[]> {
    return this.db.query<AssetRow>(`${ASSET_SELECT} WHERE a.parent_asset_id = $1 ORDER BY a.created_at DESC, a.id DESC LIMIT 100`, [id]);
  }

  async history(id: string): Promise<{ from_status: AssetStatus | null; to_status: AssetStatus; at: Date; detail: unknown }[]> {
    return this.db.query('SELECT from_status, to_status, at, detail FROM asset_events WHERE asset_id = $1 ORDER BY id', [id]);
  }
}

const COLUMNS = new Set(['external_task_id', 'provider_state', 'error_code', 'error_message', 'progress', 'storage_key', 'mime_type', 'size_bytes', 'width', 'height', 'duration_s', 'thumbnail_key', 'webhook_token', 'started_at', 'completed_at', 'attempts', 'priority']);

function setClause(changes: AssetChanges, params: unknown[]): { sets: string; params: unknown[] } {
  let sets = '';
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) continue;
    if (!COLUMNS.has(k)) throw new Error(`not a settable asset column: ${k}`);
    sets += `, ${k} = $${params.push(v)}`;
  }
  return { sets, params };
}
