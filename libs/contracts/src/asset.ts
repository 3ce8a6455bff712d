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

export interface ListAssetsQuery {
  status?: AssetStatus;
  type?: AssetType;
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
