import { Injectable } from '@nestjs/common';
import { type AssetDto, failureOf } from '@genbox/contracts';
import type { AssetRow } from './asset.row.js';
import { FileUrls } from './file-urls.js';
import { publicProviderState } from './provider-state.js';

/** The one mapping from a row to the wire shape (REST and socket events alike). */
@Injectable()
export class AssetMapper {
  constructor(private readonly urls: FileUrls) {}

  /**
   * `forAdmin`: the answer goes to an admin alone, who may read the provider's raw words of a
   * failure. Everyone else — and every broadcast event — gets the sentence of `failure` only.
   */
  toDto(a: AssetRow, forAdmin = false): AssetDto {
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      id: a.id,
      box_id: a.box_id,
      type: a.type,
      status: a.status,
      source_type: a.source_type,
      batch_id: a.batch_id,
      parent_asset_id: a.parent_asset_id,
      parent_asset: a.parent_asset_id && a.parent_type
        ? {
            id: a.parent_asset_id,
            type: a.parent_type,
            status: a.parent_status!,
            file_url: a.parent_storage_key ? this.urls.url(a.parent_asset_id, 'file') : null,
            thumbnail_url: a.parent_thumbnail_key ? this.urls.url(a.parent_asset_id, 'thumbnail') : null,
          }
        : null,
      ai_model_id: a.model_id,
      ai_model: a.model_id && a.model_name ? { id: a.model_id, name: a.model_name, slug: a.model_slug! } : null,
      prompt: a.prompt,
      generation_config: a.generation_config ?? {},
      external_task_id: a.external_task_id,
      provider_state: publicProviderState(a.provider_state),
      error_code: a.error_code,
      error_message: forAdmin ? a.error_message : null,
      failure: failureOf(a.status, a.error_code),
      progress: a.progress,
      file_url: a.storage_key && a.status === 'COMPLETED' ? this.urls.url(a.id, 'file') : null,
      thumbnail_url: a.thumbnail_key && a.status === 'COMPLETED' ? this.urls.url(a.id, 'thumbnail') : null,
      mime_type: a.mime_type,
      size_bytes: a.size_bytes === null ? null : Number(a.size_bytes),
      width: a.width,
      height: a.height,
      duration_s: a.duration_s,
      created_by: a.created_by ? { id: a.created_by, display_name: a.author_name ?? '' } : null,
      attempts: a.attempts,
      created_at: a.created_at.toISOString(),
      updated_at: a.updated_at.toISOString(),
      started_at: iso(a.started_at),
      completed_at: iso(a.completed_at),
    };
  }
}
