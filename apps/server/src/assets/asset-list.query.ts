import type { AssetSort, AssetStatus, AssetType, ListAssetsQuery, SourceType } from '@genbox/contracts';
import type { z } from 'zod';
import { isUuid } from '../common/is-uuid.js';
import { AppError } from '../common/app-error.js';

/** The list query as parsed (libs/contracts ListAssetsQuery says what each filter means). */
export type ListQueryInput = z.output<typeof ListAssetsQuery>;

/** Where a page starts: after this row in the list's order. */
export interface Keyset { createdAt: string; id: string }

/** What the repository filters on, already checked. */
export interface AssetFilter {
  statuses?: AssetStatus[];
  type?: AssetType;
  sourceType?: SourceType;
  /** Prompt substring, any case. */
  text?: string;
  modelId?: string;
  createdBy?: string;
  batchId?: string;
  from?: string;
  to?: string;
  sort: AssetSort;
}

export function toFilter(q: ListQueryInput): AssetFilter {
  return { statuses: q.status, type: q.type, sourceType: q.source_type, text: q.q || undefined, modelId: q.model_id, createdBy: q.created_by, batchId: q.batch_id, from: q.from, to: q.to, sort: q.sort };
}

/**
 * A cursor names the sort it was made for, so one from the newest-first list cannot walk an
 * oldest-first one (it would skip or repeat). Cursors of the earlier two-part form are newest-first.
 */
export function encodeCursor(sort: AssetSort, createdAtIso: string, id: string): string {
  return Buffer.from(`${sort === 'oldest' ? 'o' : 'n'}|${createdAtIso}|${id}`).toString('base64url');
}

export function decodeCursor(c: string | undefined, sort: AssetSort): Keyset | undefined {
  if (!c) return undefined;
  const parts = Buffer.from(c, 'base64url').toString().split('|');
  const [dir, createdAt, id] = parts.length === 2 ? ['n', ...parts] : parts;
  if (!createdAt || !id || !isUuid(id) || !isIsoInstant(createdAt) || (dir !== 'n' && dir !== 'o')) throw new AppError('validation_failed', 'cursor: is not a cursor this API gave out');
  if (dir !== (sort === 'oldest' ? 'o' : 'n')) throw new AppError('validation_failed', 'cursor: belongs to the other sort order; start again without it');
  return { createdAt, id };
}

/**
 * Only the form the API gives out (Date#toISOString): JavaScript reads "1", "Feb 30 2024" or
 * "+275760-09-13T00:00:00Z" as dates, PostgreSQL does not, and the list would answer 500.
 */
function isIsoInstant(text: string): boolean {
  const at = new Date(text);
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(text) && !Number.isNaN(at.getTime()) && at.toISOString() === text;
}
