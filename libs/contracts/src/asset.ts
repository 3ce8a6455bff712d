import { z } from 'zod';
import { AssetFailure } from './failures.js';
import { ASSET_STATUSES, ASSET_TYPES, SOURCE_TYPES } from './status.js';
import { Timestamp } from './user.js';

/** Small view of a related asset, enough to draw it. */
export const AssetRefDto = z
  .strictObject({
    id: z.string(),
    type: z.enum(ASSET_TYPES),
    status: z.enum(ASSET_STATUSES),
    file_url: z.string().nullable(),
    thumbnail_url: z.string().nullable(),
  })
  .meta({ id: 'AssetRef' });
export type AssetRefDto = z.infer<typeof AssetRefDto>;

export const AssetDto = z
  .strictObject({
    id: z.string(),
    box_id: z.string(),
    type: z.enum(ASSET_TYPES),
    status: z.enum(ASSET_STATUSES),
    source_type: z.enum(SOURCE_TYPES),
    batch_id: z.string().nullable().describe('The batch this asset belongs to: every asset of one generate call with count > 1 shares it (GET /api/boxes/{id}/batches/{batchId}); null for single runs and uploads'),
    parent_asset_id: z.string().nullable(),
    parent_asset: AssetRefDto.nullable(),
    ai_model_id: z.string().nullable(),
    ai_model: z.strictObject({ id: z.string(), name: z.string(), slug: z.string() }).nullable(),
    prompt: z.string().nullable(),
    generation_config: z.record(z.string(), z.unknown()),
    external_task_id: z.string().nullable(),
    provider_state: z
      .string()
      .nullable()
      .describe('Where the provider says the task is, in its own word ("waiting", "generating"), or Genbox\'s while it hands the task over ("submitting", "finishing"); null before'),
    error_code: z.string().nullable(),
    error_message: z.string().nullable().describe("The provider's raw words of a failure: only in REST answers to admins, null for everyone else and in every socket, SSE or webhook event"),
    failure: AssetFailure.nullable().describe('What a teammate reads when the run FAILED or was CANCELED, who can fix it and whether Retry can help; null otherwise'),
    progress: z.number().nullable().describe('0–100 while the provider reports progress, else null'),
    file_url: z.string().nullable().describe('Signed, expiring URL of the bytes (null until COMPLETED)'),
    thumbnail_url: z.string().nullable(),
    mime_type: z.string().nullable(),
    size_bytes: z.number().nullable(),
    width: z.number().nullable(),
    height: z.number().nullable(),
    duration_s: z.number().nullable(),
    created_by: z.strictObject({ id: z.string(), display_name: z.string() }).nullable(),
    attempts: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
    started_at: Timestamp.nullable(),
    completed_at: Timestamp.nullable(),
  })
  .meta({
    id: 'Asset',
    examples: [{
      id: '3f1c9a52-8d0e-4c1a-9b7e-2a6d5f4e3c21', box_id: '9b2e4f10-6c3d-4a8b-8e1f-0d2c3b4a5f67', type: 'IMAGE', status: 'COMPLETED', source_type: 'GENERATED', batch_id: null,
      parent_asset_id: null, parent_asset: null, ai_model_id: 'c4d5e6f7-1a2b-4c3d-9e8f-7a6b5c4d3e2f', ai_model: { id: 'c4d5e6f7-1a2b-4c3d-9e8f-7a6b5c4d3e2f', name: 'FLUX 1.1 Pro', slug: 'replicate-flux-1.1-pro' },
      prompt: 'a lighthouse at dawn, volumetric fog', generation_config: { aspect_ratio: '16:9' }, external_task_id: 'p7k2m9x4rdrj60cm2h3t', provider_state: 'succeeded',
      error_code: null, error_message: null, failure: null, progress: null,
      file_url: '/api/assets/3f1c9a52-8d0e-4c1a-9b7e-2a6d5f4e3c21/file?exp=1767225600&sig=Qm9vbXNpZ25hdHVyZQ', thumbnail_url: '/api/assets/3f1c9a52-8d0e-4c1a-9b7e-2a6d5f4e3c21/thumbnail?exp=1767225600&sig=VGh1bWJzaWduYXR1cmU',
      mime_type: 'image/webp', size_bytes: 482113, width: 1344, height: 768, duration_s: null,
      created_by: { id: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', display_name: 'Ada' }, attempts: 1,
      created_at: '2026-12-02T09:14:03.120Z', updated_at: '2026-12-02T09:14:21.504Z', started_at: '2026-12-02T09:14:03.388Z', completed_at: '2026-12-02T09:14:21.504Z',
    }],
  });
export type AssetDto = z.infer<typeof AssetDto>;

export interface Page<T> { items: T[]; next_cursor: string | null }

/** A page of a box's assets; `total` (every asset the filters match) comes with the first page only. */
export const AssetPage = z.strictObject({ items: z.array(AssetDto), next_cursor: z.string().nullable(), total: z.number().int().nullable() });
export type AssetPage = z.infer<typeof AssetPage>;


export const ASSET_SORTS = ['newest', 'oldest'] as const;
export type AssetSort = (typeof ASSET_SORTS)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const Uuid = z.string().regex(UUID, 'must be an id');
const Instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO 8601 date or date-time' });
const Statuses = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(ASSET_STATUSES, { error: `must be one or more of ${ASSET_STATUSES.join(', ')}, comma-separated` })).min(1, 'names no status'));
/** `{items, next_cursor}`: pass next_cursor back as `cursor` for the next page; null at the end. */
export const pageOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), next_cursor: z.string().nullable() });
/** `{items}`: a whole list in one answer. */
export const listOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item) });

/**
 * `GET /api/boxes/:id/assets`. Every filter narrows: `status` takes one status or several
 * comma-separated; `q` finds prompts containing the text (any case); `from`/`to` bound created_at
 * (ISO date or date-time, `to` excluded). A cursor belongs to the filters and sort it came with.
 */
export const ListAssetsQuery = z
  .object({
    status: Statuses.optional().describe('One status or several, comma-separated'),
    type: z.enum(ASSET_TYPES).optional(),
    source_type: z.enum(SOURCE_TYPES).optional(),
    q: z.string().trim().max(200, 'must be at most 200 characters').optional().describe('Prompts containing this text, any case'),
    model_id: Uuid.optional(),
    created_by: Uuid.optional(),
    batch_id: Uuid.optional().describe('Only the assets of this batch (one generate call with count > 1)'),
    from: Instant.optional().describe('created_at from (inclusive)'),
    to: Instant.optional().describe('created_at before (exclusive)'),
    sort: z.enum(ASSET_SORTS).default('newest'),
    cursor: z.string().max(200).optional().describe('next_cursor of the previous page, with the same filters and sort'),
    limit: z.coerce.number<number>().int().min(1, 'must be 1 to 200').max(200, 'must be 1 to 200').default(50),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'must be after from' });
export type ListAssetsQuery = z.input<typeof ListAssetsQuery>;

export const GenerateRequest = z
  .object({
    prompt: z.string().trim().min(1, 'is required').max(4000),
    ai_model_id: z.string().min(1, 'is required'),
    parent_asset_id: z.string().nullable().optional().describe('The image an IMAGE-input model starts from'),
    generation_config: z.record(z.string(), z.unknown()).optional().describe("Values for the model's parameters_schema; omitted ones take their default"),
    count: z.number().int().min(1, 'must be 1 to 8').max(8, 'must be 1 to 8').default(1).describe('1–8 assets at once; more than one answers `{items}`'),
    priority: z.number().int().min(1).max(100).optional().describe('1 first; order of submission when the box queue resumes'),
  })
  .meta({ examples: [{ prompt: 'a lighthouse at dawn, volumetric fog', ai_model_id: '7f9c…', generation_config: { aspect_ratio: '16:9' } }] });
export type GenerateRequest = z.input<typeof GenerateRequest>;

/** One asset, or `{items}` when count > 1. */
export const GenerateResponse = z.union([AssetDto, listOf(AssetDto)]);
export type GenerateResponse = z.infer<typeof GenerateResponse>;

/** `POST /api/boxes/:id/upload`: multipart form fields. */
export const UploadForm = z
  .object({
    file: z.string().meta({ format: 'binary' }).describe('The image or video'),
    prompt_text: z.string().optional().describe('A caption kept as the asset\'s prompt'),
  });

/** `POST /api/boxes/:id/uploads`: a resumable (tus 1.0) upload, created empty; `Location` (= `url`) takes HEAD and PATCH. */
export const ResumableUploadDto = z
  .strictObject({
    id: z.string(),
    url: z.string().describe('Where to PATCH the bytes and HEAD the offset (also the Location header)'),
    length: z.number().int().describe('Upload-Length: the whole file, in bytes'),
    offset: z.number().int().describe('Bytes the server has'),
    expires_at: z.string().describe('An unfinished upload is dropped after this'),
    asset_id: z.string().nullable().describe('The asset made once the last byte arrived'),
  })
  .meta({ id: 'ResumableUpload' });
export type ResumableUploadDto = z.infer<typeof ResumableUploadDto>;

/** One change of an asset's status, as the history holds it; `detail` carries the provider's own words of a failure, for admins only (others get its error_code). */
export const AssetHistoryEntry = z.strictObject({
  from_status: z.enum(ASSET_STATUSES).nullable(),
  to_status: z.enum(ASSET_STATUSES),
  at: Timestamp,
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type AssetHistoryEntry = z.infer<typeof AssetHistoryEntry>;

/** How many assets of a batch are in each status. */
export const BatchCounts = z.strictObject({
  PENDING: z.number().int(), PROCESSING: z.number().int(), COMPLETED: z.number().int(), FAILED: z.number().int(), CANCELED: z.number().int(),
});

/** `GET /api/boxes/:id/batches/:batchId`: one generate call with count > 1, as it stands. */
export const BatchDto = z
  .strictObject({
    id: z.string(),
    box_id: z.string(),
    total: z.number().int().describe('Assets of the batch (deleted ones are no longer counted)'),
    counts: BatchCounts,
    queue_position: z.number().int().nullable().describe(
      'Where the first PENDING asset of the batch stands in the generation queue, 1 = the next one a worker takes. Counted over every box of the ' +
      'installation the way the worker orders its queue: priority first (1 first; no priority after every prioritized one), then the time the ' +
      "asset was queued (created or retried); PENDING assets of paused boxes are not counted. null when no asset of the batch waits or its own box " +
      "is paused. It is an estimate of the worker's order, not a promise: a generation waiting for its provider's concurrency slot or rate " +
      'window goes back to the queue and lets later ones for other providers pass, and the generations of a box resumed after a pause join ' +
      'behind those queued meanwhile.',
    ),
    box_paused: z.boolean().describe('The box\'s queue is paused: its PENDING assets wait for a resume'),
  })
  .meta({ id: 'Batch' });
export type BatchDto = z.infer<typeof BatchDto>;

/** `POST /api/boxes/:id/batches/:batchId/cancel`: what this call canceled, and the batch after it. */
export const CancelBatchResult = z.strictObject({
  canceled: z.array(AssetDto).describe('The assets this call moved to CANCELED (empty when nothing was left to cancel)'),
  batch: BatchDto,
});
export type CancelBatchResult = z.infer<typeof CancelBatchResult>;
