import { type AssetDto, type ModelDto, failureOf } from '@genbox/contracts';

let n = 0;

/** A COMPLETED uploaded image unless told otherwise. */
export function makeAsset(over: Partial<AssetDto> = {}): AssetDto {
  n += 1;
  const at = over.created_at ?? new Date(Date.UTC(2025, 0, 1, 12, 0, n)).toISOString();
  return {
    id: `asset-${n}`,
    box_id: 'box-1',
    type: 'IMAGE',
    status: 'COMPLETED',
    source_type: 'UPLOADED',
    batch_id: null,
    parent_asset_id: null,
    parent_asset: null,
    ai_model_id: null,
    ai_model: null,
    prompt: null,
    generation_config: {},
    external_task_id: null,
    provider_state: null,
    error_code: null,
    error_message: null,
    progress: null,
    file_url: 'https://files.test/a.png?sig=1',
    thumbnail_url: 'https://files.test/a.thumb.png?sig=1',
    mime_type: 'image/png',
    size_bytes: 100,
    width: 64,
    height: 64,
    duration_s: null,
    created_by: { id: 'user-1', display_name: 'Ada Lovelace' },
    attempts: 1,
    created_at: at,
    updated_at: at,
    started_at: null,
    completed_at: null,
    ...over,
    // as the server fills it in, unless the test says otherwise
    failure: over.failure !== undefined ? over.failure : failureOf(over.status ?? 'COMPLETED', over.error_code ?? null),
  };
}

export function makeModel(over: Partial<ModelDto> = {}): ModelDto {
  return {
    id: 'model-1',
    name: 'Veo Fast',
    slug: 'veo-fast',
    model_type: 'VIDEO',
    input_type: 'TEXT',
    parameters_schema: {},
    cost: 5,
    provider_id: 'prov-1',
    provider_name: 'Kie',
    provider_kind: 'kie',
    is_active: true,
    ...over,
  };
}
