import type { AssetStatus, AssetType, SourceType } from './status.js';

/** Small view of a related asset, enough to draw it. */
export interface AssetRefDto {
  id: string;
  type: AssetType;
  status: AssetStatus;
  file_url: string | null;
  thumbnail_url: string | null;
}

export interface AssetDto {
  id: string;
  box_id: string;
  type: AssetType;
  status: AssetStatus;
  source_type: SourceType;
  parent_asset_id: string | null;
  parent_asset: AssetRefDto | null;
  ai_model_id: string | null;
  ai_model: { id: string; name: string; slug: string } | null;
  prompt: string | null;
  generation_config: Record<string, unknown>;
  external_task_id: string | null;
  /**
   * Where the provider says the task is, in its own word ("waiting", "generating", "starting"),
   * or Genbox's while it hands the task over ("submitting", "finishing"); null before.
   */
  provider_state: string | null;
  error_code: string | null;
  error_message: string | null;
  /** 0–100 while the provider reports progress, else null. */
  progress: number | null;
  /** Signed, expiring URL of the bytes (null until COMPLETED). */
  file_url: string | null;
  thumbnail_url: string | null;
  mime_type: string | null;
  size_bytes: number | null;
  width: number | null;
  height: number | null;
  duration_s: number | null;
  created_by: { id: string; display_name: string } | null;
  attempts: number;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface Page<T> { items: T[]; next_cursor: string | null }

/** A page of a box's assets; `total` (every asset the filters match) comes with the first page only. */
export interface AssetPage extends Page<AssetDto> { total: number | null }

export const ASSET_SORTS = ['newest', 'oldest'] as const;
export type AssetSort = (typeof ASSET_SORTS)[number];

/**
 * `GET /api/boxes/:id/assets`. Every filter narrows: `status` takes one status or several
 * comma-separated; `q` finds prompts containing the text (any case); `from`/`to` bound created_at
 * (ISO date or date-time, `to` excluded). A cursor belongs to the filters and sort it came with.
 */
export interface ListAssetsQuery {
  status?: AssetStatus | string;
  type?: AssetType;
  source_type?: SourceType;
  q?: string;
  model_id?: string;
  created_by?: string;
  from?: string;
  to?: string;
  sort?: AssetSort;
  cursor?: string;
  limit?: number;
}

export interface GenerateRequest {
  prompt: string;
  ai_model_id: string;
  parent_asset_id?: string | null;
  generation_config?: Record<string, unknown>;
  /** 1–8 assets at once; more than one answers `{items}`. */
  count?: number;
}
