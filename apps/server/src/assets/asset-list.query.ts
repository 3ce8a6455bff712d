import { ASSET_SORTS, ASSET_STATUSES, ASSET_TYPES, type AssetSort, type AssetStatus, type AssetType, SOURCE_TYPES, type SourceType } from '@genbox/contracts';
import { z } from 'zod';
import { isUuid } from '../common/is-uuid.js';
import { AppError } from '../common/app-error.js';

const Instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO 8601 date or date-time' });
const Uuid = z.string().refine(isUuid, 'must be an id');
const Statuses = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(ASSET_STATUSES, { error: `must be one or more of ${ASSET_STATUSES.join(', ')}, comma-separated` })).min(1, 'names no status'));

/** `GET /api/boxes/:id/assets` query; what each filter means is told in ListAssetsQuery (contracts). */
export const ListQuery = z
  .object({
    status: Statuses.optional(),
    type: z.enum(ASSET_TYPES).optional(),
    source_type: z.enum(SOURCE_TYPES).optional(),
    q: z.string().trim().max(200, 'must be at most 200 characters').optional(),
    model_id: Uuid.optional(),
    created_by: Uuid.optional(),
    from: Instant.optional(),
    to: Instant.optional(),
    sort: z.enum(ASSET_SORTS).default('newest'),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1, 'must be 1 to 200').max(200, 'must be 1 to 200').default(50),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'must be after from' });

export type ListQueryInput = z.infer<typeof ListQuery>;

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
  from?: string;
  to?: string;
  sort: AssetSort;
}

export function toFilter(q: ListQueryInput): AssetFilter {
  return { statuses: q.status, type: q.type, sourceType: q.source_type, text: q.q || undefined, modelId: q.model_id, createdBy: q.created_by, from: q.from, to: q.to, sort: q.sort };
}

/**
 * A cursor names the sort it was made for, so one from the newest-first list cannot walk an
 * oldest-first one (it would skip or repeat). Cursors of the earlier two-part form are newest-first.
 */
export function encodeCursor(sort: AssetSort, createdAt: Date, id: string): string {
  return Buffer.from(`${sort === 'oldest' ? 'o' : 'n'}|${createdAt.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(c: string | undefined, sort: AssetSort): Keyset | undefined {
  if (!c) return undefined;
  const parts = Buffer.from(c, 'base64url').toString().split('|');
  const [dir, createdAt, id] = parts.length === 2 ? ['n', ...parts] : parts;
  if (!createdAt || !id || !isUuid(id) || Number.isNaN(Date.parse(createdAt)) || (dir !== 'n' && dir !== 'o')) throw new AppError('validation_failed', 'cursor: is not a cursor this API gave out');
  if (dir !== (sort === 'oldest' ? 'o' : 'n')) throw new AppError('validation_failed', 'cursor: belongs to the other sort order; start again without it');
  return { createdAt, id };
}
