import { Inject, Injectable } from '@nestjs/common';
import type { AssetFailure, AssetStatus, StoryboardPlanner, StoryboardStatus } from '@genbox/contracts';
import { bumpSeq } from '../boxes/boxes.repository.js';
import { DATABASE } from '../common/tokens.js';
import type { Database, Queryable } from '../database/database.js';
import type { SceneSeconds, TimeEstimate } from './scene-times.js';

export interface StoryboardRow {
  id: string;
  box_id: string;
  created_by: string | null;
  prompt: string;
  model_id: string;
  generation_config: Record<string, unknown>;
  image_asset_id: string | null;
  planner: string;
  plan_choice: StoryboardPlanner;
  scene_count: number;
  status: StoryboardStatus;
  /** The technical reason it failed (admins read it); `failure` is what everyone reads. */
  error_message: string | null;
  failure: AssetFailure | null;
  final_asset_id: string | null;
  discarded_cost: string;
  scene_seconds: number;
  /** Seconds per scene measured when planned (null on storyboards planned before it was stored). */
  time_estimate: TimeEstimate | null;
  created_at: Date;
  updated_at: Date;
  drafted_at: Date | null;
  planned_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  /** The model's price per run and what it takes, and its provider's text- and image-to-video partners (joined: scene-models.ts picks from them). */
  model_cost: string;
  model_input_type: 'TEXT' | 'IMAGE';
  text_partner_id: string | null;
  text_partner_cost: string | null;
  image_partner_id: string | null;
  image_partner_cost: string | null;
}

/** A scene with the status of its video and of its frame (joined). */
export interface SceneRow {
  storyboard_id: string;
  index: number;
  prompt: string;
  asset_id: string | null;
  frame_asset_id: string | null;
  asset_status: AssetStatus | null;
  asset_error: string | null;
  asset_error_code: string | null;
  /** The model the scene's video ran on, and its price. */
  asset_model_id: string | null;
  asset_cost: string | null;
  frame_status: AssetStatus | null;
}

export interface StoryboardWithScenes { row: StoryboardRow; scenes: SceneRow[] }
/** What a change under the storyboard's lock sees of it. */
export type LockedStoryboard = Pick<StoryboardRow, 'box_id' | 'status' | 'final_asset_id'>;

/** Columns a guarded change may set. */
export interface StoryboardChanges {
  prompt?: string;
  error_message?: string | null;
  failure?: AssetFailure | null;
  drafted_at?: Date | null;
  planned_at?: Date | null;
  final_asset_id?: string | null;
  started_at?: Date | null;
  completed_at?: Date | null;
}

/** The first active video model of provider `provider` (an SQL expression) taking `inputType`: a storyboard model's scene partner. */
const partnerOf = (provider: string, inputType: 'TEXT' | 'IMAGE') =>
  `SELECT id, cost FROM ai_models WHERE provider_id = ${provider} AND model_type = 'VIDEO' AND input_type = '${inputType}' AND is_active ORDER BY created_at, id LIMIT 1`;
const SELECT = `SELECT s.*, m.cost::text AS model_cost, m.input_type AS model_input_type,
    tp.id AS text_partner_id, tp.cost::text AS text_partner_cost, ip.id AS image_partner_id, ip.cost::text AS image_partner_cost
  FROM storyboards s JOIN ai_models m ON m.id = s.model_id
  LEFT JOIN LATERAL (${partnerOf('m.provider_id', 'TEXT')}) tp ON true
  LEFT JOIN LATERAL (${partnerOf('m.provider_id', 'IMAGE')}) ip ON true`;
/** Scenes (of one storyboard, or of several: `ids` = ANY) with the statuses, errors and prices of their assets. */
const scenesWhere = (which: string) => `SELECT sc.storyboard_id, sc.index, sc.prompt, sc.asset_id, sc.frame_asset_id, a.status AS asset_status, a.error_message AS asset_error,
    a.error_code AS asset_error_code, a.model_id AS asset_model_id, am.cost::text AS asset_cost, f.status AS frame_status
  FROM storyboard_scenes sc LEFT JOIN assets a ON a.id = sc.asset_id LEFT JOIN ai_models am ON am.id = a.model_id LEFT JOIN assets f ON f.id = sc.frame_asset_id
  WHERE ${which} ORDER BY sc.storyboard_id, sc.index`;

/** Every storyboard query. Each change bumps the box's seq in its transaction: the caller publishes `storyboard.updated` with it. */
@Injectable()
export class StoryboardsRepository {
  constructor(@Inject(DATABASE) readonly db: Database) {}

  /** A new storyboard, PLANNING with no scenes yet: the plan job writes them. */
  async insertPlanning(s: Pick<StoryboardRow, 'box_id' | 'created_by' | 'prompt' | 'model_id' | 'generation_config' | 'image_asset_id' | 'planner' | 'plan_choice' | 'scene_count' | 'scene_seconds'> & { time_estimate: TimeEstimate }): Promise<{ id: string; seq: number }> {
    return this.db.tx(async (q) => {
      const [r] = await q.query<{ id: string }>(
        `INSERT INTO storyboards (box_id, created_by, prompt, model_id, generation_config, image_asset_id, planner, plan_choice, scene_count, status, scene_seconds, time_estimate)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'PLANNING', $10, $11) RETURNING id`,
        [s.box_id, s.created_by, s.prompt, s.model_id, JSON.stringify(s.generation_config), s.image_asset_id, s.planner, JSON.stringify(s.plan_choice), s.scene_count, s.scene_seconds, JSON.stringify(s.time_estimate)],
      );
      return { id: r!.id, seq: await bumpSeq(q, s.box_id) };
    });
  }

  async find(id: string, q: Queryable = this.db): Promise<StoryboardWithScenes | null> {
    const [row] = await q.query<StoryboardRow>(`${SELECT} WHERE s.id = $1`, [id]);
    if (!row) return null;
    return { row, scenes: await q.query<SceneRow>(scenesWhere('sc.storyboard_id = $1'), [id]) };
  }

  async listOfBox(boxId: string): Promise<StoryboardWithScenes[]> {
    const rows = await this.db.query<StoryboardRow>(`${SELECT} WHERE s.box_id = $1 ORDER BY s.created_at DESC LIMIT 200`, [boxId]);
    // every storyboard's scenes in one query, not one per storyboard
    const scenes = await this.db.query<SceneRow>(scenesWhere('sc.storyboard_id = ANY($1::uuid[])'), [rows.map((r) => r.id)]);
    return rows.map((row) => ({ row, scenes: scenes.filter((sc) => sc.storyboard_id === row.id) }));
  }

  /** The storyboards a worker must move on: PLANNING (a plan or continuity job) and RUNNING (an advance). */
  async activeIds(): Promise<{ id: string; status: 'PLANNING' | 'RUNNING' }[]> {
    return this.db.query(`SELECT id, status FROM storyboards WHERE status IN ('PLANNING', 'RUNNING')`);
  }

  /**
   * Runs `fn` in a transaction holding the storyboard's row lock, only while it is in one of
   * `inStatus`; answers `fn`'s result and the seq of the change, or null when the storyboard was
   * not in `inStatus` (someone else moved it first). Every change of a storyboard goes through here,
   * so two of them (a worker's step and a person's cancel) never interleave.
   */
  async locked<T>(id: string, inStatus: StoryboardStatus[], fn: (q: Queryable, row: LockedStoryboard) => Promise<T | null>): Promise<{ value: T; seq: number } | null> {
    return this.db.tx(async (q) => {
      const [row] = await q.query<LockedStoryboard>('SELECT box_id, status, final_asset_id FROM storyboards WHERE id = $1 FOR UPDATE', [id]);
      if (!row || !inStatus.includes(row.status)) return null;
      const value = await fn(q, row);
      if (value === null) return null;
      await q.query('UPDATE storyboards SET updated_at = now() WHERE id = $1', [id]);
      return { value, seq: await bumpSeq(q, row.box_id) };
    });
  }

  async setStatus(q: Queryable, id: string, status: StoryboardStatus, changes: StoryboardChanges = {}): Promise<void> {
    const params: unknown[] = [id, status];
    const value = (k: string, v: unknown) => (k === 'failure' && v !== null ? JSON.stringify(v) : v);
    const sets = Object.entries(changes).filter(([, v]) => v !== undefined).map(([k, v]) => `, ${k} = $${params.push(value(k, v))}`).join('');
    await q.query(`UPDATE storyboards SET status = $2${sets} WHERE id = $1`, params);
  }

  async setPrompt(q: Queryable, id: string, prompt: string): Promise<void> {
    await q.query('UPDATE storyboards SET prompt = $2 WHERE id = $1', [id, prompt]);
  }

  /** Whether the planner's draft is stored already (inside `locked`, so two runs of a plan job store one draft). */
  async hasScenes(q: Queryable, id: string): Promise<boolean> {
    const [row] = await q.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM storyboard_scenes WHERE storyboard_id = $1) AS any', [id]);
    return row!.any;
  }

  /** The scenes in their new order (edit, reorder, add, remove), or the planner's prompts. */
  async replaceScenes(q: Queryable, id: string, scenes: string[]): Promise<void> {
    await q.query('DELETE FROM storyboard_scenes WHERE storyboard_id = $1', [id]);
    await insertScenes(q, id, scenes);
  }

  /** Locks the scene row; null when it does not exist. */
  async lockScene(q: Queryable, id: string, index: number): Promise<{ asset_id: string | null; frame_asset_id: string | null; prompt: string } | null> {
    const [r] = await q.query<{ asset_id: string | null; frame_asset_id: string | null; prompt: string }>(
      'SELECT asset_id, frame_asset_id, prompt FROM storyboard_scenes WHERE storyboard_id = $1 AND index = $2 FOR UPDATE', [id, index]);
    return r ?? null;
  }

  async setScene(q: Queryable, id: string, index: number, changes: { asset_id?: string | null; frame_asset_id?: string | null; prompt?: string }): Promise<void> {
    const params: unknown[] = [id, index];
    const sets = Object.entries(changes).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} = $${params.push(v)}`).join(', ');
    await q.query(`UPDATE storyboard_scenes SET ${sets} WHERE storyboard_id = $1 AND index = $2`, params);
  }

  /**
   * Forgets the videos and frames of scene `from` and every scene after it (their assets stay on
   * the board, in the lineage), adding what the finished ones cost (each at its own model's price)
   * to the storyboard's discarded cost.
   */
  async resetFrom(q: Queryable, id: string, from: number): Promise<void> {
    await q.query(
      `UPDATE storyboards s SET discarded_cost = s.discarded_cost + COALESCE((
         SELECT sum(m.cost) FROM storyboard_scenes sc JOIN assets a ON a.id = sc.asset_id JOIN ai_models m ON m.id = a.model_id
         WHERE sc.storyboard_id = s.id AND sc.index >= $2 AND a.status = 'COMPLETED'), 0)
       WHERE s.id = $1`,
      [id, from],
    );
    await q.query('UPDATE storyboard_scenes SET asset_id = NULL, frame_asset_id = NULL WHERE storyboard_id = $1 AND index >= $2', [id, from]);
  }

  /**
   * Seconds from request to COMPLETED of the model's last 20 finished generations (what a person
   * waits for a scene): the average, and the 10th and 90th percentiles as the range; null with none yet.
   */
  async recentSceneSeconds(modelId: string): Promise<SceneSeconds | null> {
    const [r] = await this.db.query<SecondsRow>(
      `SELECT count(*)::int AS runs, avg(s)::text AS typical, percentile_cont(0.1) WITHIN GROUP (ORDER BY s)::text AS low, percentile_cont(0.9) WITHIN GROUP (ORDER BY s)::text AS high FROM (
         SELECT extract(epoch FROM completed_at - created_at) AS s FROM assets WHERE model_id = $1 AND status = 'COMPLETED' AND completed_at IS NOT NULL
         ORDER BY completed_at DESC LIMIT 20) recent`,
      [modelId],
    );
    return seconds(r);
  }

  /**
   * The storyboards' own steps as they ran here lately (the last 20 of each): a last frame from
   * its scene's end to the frame stored, and a film from its start to COMPLETED per scene it
   * joined. null where none ran yet.
   */
  async recentStepSeconds(): Promise<{ frame: SceneSeconds | null; stitch: SceneSeconds | null }> {
    const stats = `count(*)::int AS runs, avg(s)::text AS typical, percentile_cont(0.1) WITHIN GROUP (ORDER BY s)::text AS low, percentile_cont(0.9) WITHIN GROUP (ORDER BY s)::text AS high`;
    const [frame] = await this.db.query<SecondsRow>(
      `SELECT ${stats} FROM (SELECT extract(epoch FROM f.completed_at - a.completed_at) AS s FROM storyboard_scenes sc
         JOIN assets a ON a.id = sc.asset_id JOIN assets f ON f.id = sc.frame_asset_id
         WHERE f.status = 'COMPLETED' AND a.completed_at IS NOT NULL AND f.completed_at IS NOT NULL ORDER BY f.completed_at DESC LIMIT 20) recent`);
    const [stitch] = await this.db.query<SecondsRow>(
      `SELECT ${stats} FROM (SELECT extract(epoch FROM f.completed_at - f.created_at) / greatest(1, (f.generation_config->>'scenes')::int) AS s FROM storyboards sb
         JOIN assets f ON f.id = sb.final_asset_id WHERE f.status = 'COMPLETED' AND f.completed_at IS NOT NULL ORDER BY f.completed_at DESC LIMIT 20) recent`);
    return { frame: seconds(frame), stitch: seconds(stitch) };
  }
}

interface SecondsRow { runs: number; typical: string | null; low: string | null; high: string | null }
const seconds = (r: SecondsRow | undefined): SceneSeconds | null => (r && r.runs > 0 ? { typical: Number(r.typical), low: Number(r.low), high: Number(r.high), runs: r.runs } : null);

async function insertScenes(q: Queryable, id: string, scenes: string[]): Promise<void> {
  await q.query(
    `INSERT INTO storyboard_scenes (storyboard_id, index, prompt) SELECT $1, i - 1, p FROM unnest($2::text[]) WITH ORDINALITY AS t(p, i)`,
    [id, scenes],
  );
}

/** An active video model of the provider taking `inputType` (the scene-1 or image-to-video partner of a storyboard's model) with its price; null when there is none. */
export async function partnerModel(db: Queryable, providerId: string, inputType: 'TEXT' | 'IMAGE'): Promise<{ id: string; cost: number } | null> {
  const [r] = await db.query<{ id: string; cost: string }>(partnerOf('$1', inputType), [providerId]);
  return r ? { id: r.id, cost: Number(r.cost) } : null;
}
