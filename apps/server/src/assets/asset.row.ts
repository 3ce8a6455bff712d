import type { AssetStatus, AssetType, SourceType } from '@genbox/contracts';

/** An asset row joined with what its card shows (model, author, parent). */
export interface AssetRow {
  id: string;
  box_id: string;
  type: AssetType;
  status: AssetStatus;
  source_type: SourceType;
  parent_asset_id: string | null;
  model_id: string | null;
  prompt: string | null;
  generation_config: Record<string, unknown>;
  external_task_id: string | null;
  provider_state: string | null;
  error_code: string | null;
  error_message: string | null;
  progress: number | null;
  storage_key: string | null;
  mime_type: string | null;
  size_bytes: string | null;
  width: number | null;
  height: number | null;
  duration_s: number | null;
  thumbnail_key: string | null;
  webhook_token: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  attempts: number;
  /** Queue priority, 1 first; null: none. */
  priority: number | null;
  /** The generate call with count > 1 that made it; null otherwise. */
  batch_id: string | null;
  // joined
  model_name: string | null;
  model_slug: string | null;
  author_name: string | null;
  parent_type: AssetType | null;
  parent_status: AssetStatus | null;
  parent_storage_key: string | null;
  parent_thumbnail_key: string | null;
}

export const JOINED_COLUMNS = `m.name AS model_name, m.slug AS model_slug, u.display_name AS author_name,
         p.type AS parent_type, p.status AS parent_status, p.storage_key AS parent_storage_key, p.thumbnail_key AS parent_thumbnail_key`;
export const JOINS = `
  LEFT JOIN ai_models m ON m.id = a.model_id
  LEFT JOIN users u ON u.id = a.created_by
  LEFT JOIN assets p ON p.id = a.parent_asset_id`;

/** SELECT list producing AssetRow from `assets a`. */
export const ASSET_SELECT = `
  SELECT a.*, ${JOINED_COLUMNS}
  FROM assets a${JOINS}`;

/** AssetRow from `rows` (a CTE of `RETURNING assets.*` rows) rather than the table, plus `extra` columns. */
export const assetSelectFrom = (rows: string, extra: string) => `
  SELECT a.*, ${extra}, ${JOINED_COLUMNS}
  FROM ${rows} a${JOINS}`;
