import { Inject, Injectable } from '@nestjs/common';
import { DATABASE } from '../common/tokens.js';
import type { Database } from '../database/database.js';
import type { AssetFilter, Keyset } from './asset-list.query.js';
import { type CardRow, cardColumnsSql } from './asset-list.json.js';
import { JOINS } from './asset.row.js';

/** The board's list: a box's assets under filters, keyset-paged in either order. */
@Injectable()
export class AssetListRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * One page, read only if `userId` is a member of the box: the membership check rides in the
   * same statement, so a page costs one round trip, not two. An empty answer does not say which
   * of "no such rows" and "not a member" it was; the caller asks then. Rows come as the cards'
   * columns (asset-list.json.ts); `forAdmin` as in AssetMapper.toDto.
   */
  async page(boxId: string, userId: string, f: AssetFilter, after: Keyset | undefined, limit: number, forAdmin: boolean): Promise<CardRow[]> {
    const params: unknown[] = [boxId, userId];
    let where = `${filterSql(f, params)} AND EXISTS (SELECT 1 FROM box_members bm WHERE bm.box_id = $1 AND bm.user_id = $2)`;
    const dir = f.sort === 'oldest' ? 'ASC' : 'DESC';
    if (after) where += ` AND (a.created_at, a.id) ${f.sort === 'oldest' ? '>' : '<'} ($${params.push(after.createdAt)}::timestamptz, $${params.push(after.id)}::uuid)`;
    const select = `SELECT ${cardColumnsSql(`$${params.push(forAdmin)}::boolean`)} FROM assets a${JOINS}`;
    return this.db.query<CardRow>(`${select} WHERE ${where} ORDER BY a.created_at ${dir}, a.id ${dir} LIMIT $${params.push(limit)}`, params);
  }

  /** How many assets of the box the filters match, every page together. */
  async count(boxId: string, f: AssetFilter): Promise<number> {
    const params: unknown[] = [boxId];
    const rows = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM assets a WHERE ${filterSql(f, params)}`, params);
    return rows[0]?.n ?? 0;
  }
}

/** The WHERE of a box's filtered list; `$1` is the box id. Values are always parameters. */
function filterSql(f: AssetFilter, params: unknown[]): string {
  let where = 'a.box_id = $1';
  if (f.statuses?.length) where += ` AND a.status = ANY($${params.push(f.statuses)}::text[])`;
  if (f.type) where += ` AND a.type = $${params.push(f.type)}`;
  if (f.sourceType) where += ` AND a.source_type = $${params.push(f.sourceType)}`;
  if (f.modelId) where += ` AND a.model_id = $${params.push(f.modelId)}::uuid`;
  if (f.batchId) where += ` AND a.batch_id = $${params.push(f.batchId)}::uuid`;
  if (f.createdBy) where += ` AND a.created_by = $${params.push(f.createdBy)}::uuid`;
  if (f.from) where += ` AND a.created_at >= $${params.push(f.from)}::timestamptz`;
  if (f.to) where += ` AND a.created_at < $${params.push(f.to)}::timestamptz`;
  // ILIKE on the trigram index (assets_prompt_trgm); the text's own % and _ are literal
  if (f.text) where += ` AND a.prompt ILIKE $${params.push(`%${f.text.replace(/[\\%_]/g, '\\$&')}%`)}`;
  return where;
}
