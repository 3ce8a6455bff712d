import { type AssetFailure, type AssetStatus, failureOf } from '@genbox/contracts';
import type { FileUrls } from './file-urls.js';
import { publicProviderState } from './provider-state.js';

/**
 * The list page's cards as JSON text, byte for byte what JSON.stringify of AssetMapper.toDto would
 * give (key order too; generation_config is jsonb's own text of the same value), written without
 * building the DTO objects. PostgreSQL sends plain columns — dates already in Date#toISOString's
 * form, jsonb as text — so Node parses no Date and no JSON, and only joins strings.
 *
 * Why not let PostgreSQL write the JSON: it was tried (one to_json and || per field, or
 * json_build_object). Either cost PostgreSQL about 0.8 ms more per page of 51 rows than these
 * columns, more than the writing costs Node, and on a machine the API shares with the database
 * that is latency for every request. `test/…/list-json.test.ts` holds the two outputs together.
 */
export interface CardRow {
  id: string;
  box_id: string;
  type: string;
  status: AssetStatus;
  source_type: string;
  batch_id: string | null;
  parent_asset_id: string | null;
  parent_type: string | null;
  parent_status: string | null;
  parent_file: boolean;
  parent_thumbnail: boolean;
  model_id: string | null;
  model_name: string | null;
  model_slug: string | null;
  prompt: string | null;
  /** jsonb's text. */
  generation_config: string | null;
  external_task_id: string | null;
  provider_state: string | null;
  error_code: string | null;
  /** null unless the page is for an admin. */
  error_message: string | null;
  progress: number | null;
  has_file: boolean;
  has_thumbnail: boolean;
  mime_type: string | null;
  /** bigint, as pg hands it over. */
  size_bytes: string | null;
  width: number | null;
  height: number | null;
  duration_s: number | null;
  created_by: string | null;
  author_name: string | null;
  attempts: number;
  /** The dates in Date#toISOString's form; created_at is also what the cursor names. */
  created_iso: string;
  updated_iso: string;
  started_iso: string | null;
  completed_iso: string | null;
}

/** Date#toISOString's form: milliseconds cut, not rounded, as pg's date parser does. */
export const isoSql = (sql: string) => `to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** JavaScript's truthiness of a text column: neither null nor empty. */
const filled = (sql: string) => `coalesce(${sql}, '') <> ''`;

/** The select list over `assets a` with JOINS (asset.row.ts); `forAdmin` is a boolean parameter. */
export function cardColumnsSql(forAdmin: string): string {
  return `a.id, a.box_id, a.type, a.status, a.source_type, a.batch_id, a.parent_asset_id,
    p.type AS parent_type, p.status AS parent_status, ${filled('p.storage_key')} AS parent_file, ${filled('p.thumbnail_key')} AS parent_thumbnail,
    a.model_id, m.name AS model_name, m.slug AS model_slug, a.prompt, a.generation_config::text AS generation_config,
    a.external_task_id, a.provider_state, a.error_code, CASE WHEN ${forAdmin} THEN a.error_message END AS error_message, a.progress,
    ${filled('a.storage_key')} AND a.status = 'COMPLETED' AS has_file, ${filled('a.thumbnail_key')} AND a.status = 'COMPLETED' AS has_thumbnail,
    a.mime_type, a.size_bytes, a.width, a.height, a.duration_s, a.created_by, u.display_name AS author_name, a.attempts,
    ${isoSql('a.created_at')} AS created_iso, ${isoSql('a.updated_at')} AS updated_iso,
    ${isoSql('a.started_at')} AS started_iso, ${isoSql('a.completed_at')} AS completed_iso`;
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

/** Text that may hold anything (a prompt, a name), or a number, as JSON; null as null. */
const j = JSON.stringify as (v: string | number | null) => string;
/** Text that needs no escaping — a uuid, an enum value, an ISO date — as JSON; null as null. */
const plain = (v: string | null) => (v === null ? 'null' : `"${v}"`);

/** One card's JSON, in AssetMapper.toDto's key order, with the signed URLs and the failure put in. */
export function cardJson(c: CardRow, urls: FileUrls): string {
  const url = (id: string, variant: 'file' | 'thumbnail', has: boolean) => (has ? urls.quoted(id, variant) : 'null');
  const parent = c.parent_asset_id && c.parent_type
    ? `{"id":${plain(c.parent_asset_id)},"type":${plain(c.parent_type)},"status":${plain(c.parent_status)},"file_url":${url(c.parent_asset_id, 'file', c.parent_file)},"thumbnail_url":${url(c.parent_asset_id, 'thumbnail', c.parent_thumbnail)}}`
    : 'null';
  const model = c.model_id && c.model_name ? `{"id":${plain(c.model_id)},"name":${j(c.model_name)},"slug":${j(c.model_slug)}}` : 'null';
  const author = c.created_by ? `{"id":${plain(c.created_by)},"display_name":${j(c.author_name ?? '')}}` : 'null';
  return `{"id":${plain(c.id)},"box_id":${plain(c.box_id)},"type":${plain(c.type)},"status":${plain(c.status)},"source_type":${plain(c.source_type)},"batch_id":${plain(c.batch_id)}`
    + `,"parent_asset_id":${plain(c.parent_asset_id)},"parent_asset":${parent},"ai_model_id":${plain(c.model_id)},"ai_model":${model}`
    + `,"prompt":${j(c.prompt)},"generation_config":${c.generation_config ?? '{}'},"external_task_id":${j(c.external_task_id)}`
    + `,"provider_state":${j(publicProviderState(c.provider_state))},"error_code":${j(c.error_code)},"error_message":${j(c.error_message)}`
    + `,"failure":${failureText(c.status, c.error_code)},"progress":${j(c.progress)}`
    + `,"file_url":${url(c.id, 'file', c.has_file)},"thumbnail_url":${url(c.id, 'thumbnail', c.has_thumbnail)}`
    + `,"mime_type":${j(c.mime_type)},"size_bytes":${c.size_bytes === null ? 'null' : j(Number(c.size_bytes))},"width":${j(c.width)},"height":${j(c.height)}`
    + `,"duration_s":${j(c.duration_s)},"created_by":${author},"attempts":${j(c.attempts)}`
    + `,"created_at":"${c.created_iso}","updated_at":"${c.updated_iso}","started_at":${plain(c.started_iso)},"completed_at":${plain(c.completed_iso)}}`;
}
