// A big box in one statement: rows straight into SQL (the API would take minutes for 10,000),
// shaped like real work so the list, the grid and the filters meet what a team's box holds.

export interface SeedAssetsOptions {
  boxId: string;
  /** Authors, taken in turn. */
  userIds: string[];
  /** Models, taken in turn (generated rows); none: every row is an upload. */
  modelIds?: string[];
  count: number;
  /**
   * Stored files the completed rows point at, taken in turn (rows may share a file: reading is
   * all a list or a board does with it). Each with its real size so the grid can keep its shape.
   */
  files: { storage_key: string; thumbnail_key: string | null; width: number; height: number; mime_type: string; type: 'IMAGE' | 'VIDEO' }[];
  /** The newest row's time; each older one is a minute before. */
  newest?: Date;
}

type Sql = (query: string, params?: unknown[]) => Promise<unknown>;

const SUBJECTS = ['a paper boat on a rainy street', 'neon koi in a night market', 'a lighthouse in fog', 'red fox in fresh snow', 'desert highway at dusk', 'a glass greenhouse full of ferns', 'astronaut tending tomatoes', 'brutalist library interior'];

/**
 * Inserts `count` assets: every 10th FAILED, every 25th CANCELED (nothing left for a worker to pick up), the rest COMPLETED on the given
 * files; prompts cycle through a few subjects with the row's number so a search finds a known few.
 */
export async function seedAssets(sql: Sql, o: SeedAssetsOptions): Promise<void> {
  const newest = (o.newest ?? new Date()).toISOString();
  await sql(
    `INSERT INTO assets (box_id, type, status, source_type, model_id, prompt, generation_config, storage_key, thumbnail_key,
       mime_type, width, height, error_code, error_message, created_by, created_at, updated_at, started_at, completed_at, attempts)
     SELECT $1::uuid, f.type,
       CASE WHEN n % 10 = 0 THEN 'FAILED' WHEN n % 25 = 0 THEN 'CANCELED' ELSE 'COMPLETED' END,
       CASE WHEN m.id IS NULL THEN 'UPLOADED' ELSE 'GENERATED' END,
       m.id,
       ($2::text[])[1 + n % array_length($2::text[], 1)] || ' #' || n,
       CASE WHEN m.id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('seed', n * 7919 % 2147483647) END,
       CASE WHEN n % 10 = 0 OR n % 25 = 0 THEN NULL ELSE f.storage_key END,
       CASE WHEN n % 10 = 0 OR n % 25 = 0 THEN NULL ELSE f.thumbnail_key END,
       f.mime_type, f.width, f.height,
       CASE WHEN n % 10 = 0 THEN 'provider_rejected' END,
       CASE WHEN n % 10 = 0 THEN 'The provider refused the request (HTTP 400)' END,
       ($3::uuid[])[1 + n % array_length($3::uuid[], 1)],
       $4::timestamptz - n * interval '1 minute', $4::timestamptz - n * interval '1 minute',
       $4::timestamptz - n * interval '1 minute' + interval '2 seconds',
       $4::timestamptz - n * interval '1 minute' + interval '9 seconds',
       1
     FROM generate_series(0, $5::int - 1) AS n
     JOIN LATERAL (SELECT * FROM json_to_recordset($6::json) AS x(storage_key text, thumbnail_key text, width int, height int, mime_type text, type text)
                   OFFSET n % $7::int LIMIT 1) f ON true
     LEFT JOIN LATERAL (SELECT id FROM unnest($8::uuid[]) AS id OFFSET n % greatest(1, coalesce(array_length($8::uuid[], 1), 1)) LIMIT 1) m ON true`,
    [o.boxId, SUBJECTS, o.userIds, newest, o.count, JSON.stringify(o.files), o.files.length, o.modelIds ?? []],
  );
  await sql('ANALYZE assets');
}

export const SEED_SUBJECTS = SUBJECTS;
