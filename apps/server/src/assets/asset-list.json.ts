import { type AssetFailure, type AssetStatus, failureOf } from '@genbox/contracts';
import type { FileUrls } from './file-urls.js';

/**
 * The list page's cards as JSON text that PostgreSQL writes, byte for byte what JSON.stringify of
 * AssetMapper.toDto would give (key order too; generation_config is jsonb's own text of the same
 * value). Reading 51 rows into objects, parsing their dates, mapping and stringifying them again
 * was most of the list's CPU in Node; now Node only joins strings. What Node must still decide —
 * the signed URLs (the key stays out of SQL) and the failure sentence (libs/contracts owns it) —
 * goes between the pieces. `test/…/asset-list-json.test.ts` holds the two to the same output.
 */
export interface CardPieces {
  id: string;
  status: AssetStatus;
  error_code: string | null;
  /** JSON through `"parent_asset":`. */
  head: string;
  /** The parent's id when the card shows its parent, and its JSON through `"file_url":`. */
  parent_id: string | null;
  parent_head: string | null;
  parent_file: boolean;
  parent_thumbnail: boolean;
  /** JSON from `,"ai_model_id"` through `"failure":`. */
  mid: string;
  /** JSON of `progress`. */
  progress: string;
  has_file: boolean;
  has_thumbnail: boolean;
  /** JSON from `,"mime_type"` to the closing brace. */
  tail: string;
  /** created_at as the cursor names it (Date#toISOString's form). */
  created_iso: string;
}

/** A value as JSON text, null as `null` (|| with NULL would swallow the whole piece). */
const json = (sql: string) => `coalesce(to_json(${sql})::text, 'null')`;
/** Date#toISOString's form: milliseconds cut, not rounded, as pg's date parser does. */
export const isoSql = (sql: string) => `to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const isoOrNull = (sql: string) => `coalesce('"' || ${isoSql(sql)} || '"', 'null')`;
/** JavaScript's truthiness of a text column: neither null nor empty. */
const filled = (sql: string) => `coalesce(${sql}, '') <> ''`;

/** The select list over `assets a` with JOINS (asset.row.ts); `forAdmin` is a boolean parameter. */
export function cardPiecesSql(forAdmin: string): string {
  return `a.id, a.status, a.error_code,
    '{"id":' || ${json('a.id')} || ',"box_id":' || ${json('a.box_id')} || ',"type":' || ${json('a.type')}
      || ',"status":' || ${json('a.status')} || ',"source_type":' || ${json('a.source_type')} || ',"batch_id":' || ${json('a.batch_id')}
      || ',"parent_asset_id":' || ${json('a.parent_asset_id')} || ',"parent_asset":' AS head,
    CASE WHEN a.parent_asset_id IS NOT NULL AND p.type IS NOT NULL THEN a.parent_asset_id END AS parent_id,
    '{"id":' || ${json('a.parent_asset_id')} || ',"type":' || ${json('p.type')} || ',"status":' || ${json('p.status')} || ',"file_url":' AS parent_head,
    ${filled('p.storage_key')} AS parent_file, ${filled('p.thumbnail_key')} AS parent_thumbnail,
    ',"ai_model_id":' || ${json('a.model_id')}
      || ',"ai_model":' || CASE WHEN a.model_id IS NOT NULL AND ${filled('m.name')}
           THEN '{"id":' || ${json('a.model_id')} || ',"name":' || ${json('m.name')} || ',"slug":' || ${json('m.slug')} || '}' ELSE 'null' END
      || ',"prompt":' || ${json('a.prompt')} || ',"generation_config":' || coalesce(a.generation_config::text, '{}')
      || ',"external_task_id":' || ${json('a.external_task_id')}
      || ',"provider_state":' || CASE WHEN left(a.provider_state, 11) = 'submitting:' THEN '"submitting"' ELSE ${json('a.provider_state')} END
      || ',"error_code":' || ${json('a.error_code')}
      || ',"error_message":' || CASE WHEN ${forAdmin} THEN ${json('a.error_message')} ELSE 'null' END || ',"failure":' AS mid,
    ${json('a.progress')} AS progress,
    ${filled('a.storage_key')} AND a.status = 'COMPLETED' AS has_file,
    ${filled('a.thumbnail_key')} AND a.status = 'COMPLETED' AS has_thumbnail,
    ',"mime_type":' || ${json('a.mime_type')} || ',"size_bytes":' || ${json('a.size_bytes')}
      || ',"width":' || ${json('a.width')} || ',"height":' || ${json('a.height')} || ',"duration_s":' || ${json('a.duration_s')}
      || ',"created_by":' || CASE WHEN a.created_by IS NOT NULL
           THEN '{"id":' || ${json('a.created_by')} || ',"display_name":' || to_json(coalesce(u.display_name, ''))::text || '}' ELSE 'null' END
      || ',"attempts":' || ${json('a.attempts')}
      || ',"created_at":"' || ${isoSql('a.created_at')} || '","updated_at":"' || ${isoSql('a.updated_at')} || '"'
      || ',"started_at":' || ${isoOrNull('a.started_at')} || ',"completed_at":' || ${isoOrNull('a.completed_at')} || '}' AS tail,
    ${isoSql('a.created_at')} AS created_iso`;
}

/** The failure sentences are a few shared objects: each is stringified once. */
const failureJson = new Map<AssetFailure, string>();
function failureText(status: AssetStatus, code: string | null): string {
  const f = failureOf(status, code);
  if (!f) return 'null';
  let text = failureJson.get(f);
  if (text === undefined) failureJson.set(f, (text = JSON.stringify(f)));
  return text;
}

/** One card's JSON from its pieces, with the signed URLs and the failure put in. */
export function cardJson(c: CardPieces, urls: FileUrls): string {
  const url = (id: string, variant: 'file' | 'thumbnail', has: boolean) => (has ? urls.quoted(id, variant) : 'null');
  const parent = c.parent_id
    ? `${c.parent_head}${url(c.parent_id, 'file', c.parent_file)},"thumbnail_url":${url(c.parent_id, 'thumbnail', c.parent_thumbnail)}}`
    : 'null';
  return `${c.head}${parent}${c.mid}${failureText(c.status, c.error_code)},"progress":${c.progress},"file_url":${url(c.id, 'file', c.has_file)},"thumbnail_url":${url(c.id, 'thumbnail', c.has_thumbnail)}${c.tail}`;
}
