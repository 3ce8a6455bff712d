import type { AssetType, ModelInputType, ProviderKind } from './status.js';

export type ParameterValue = string | number | boolean;

export interface ParameterSpec {
  type: 'select' | 'number' | 'boolean' | 'text';
  label?: string;
  description?: string;
  default?: ParameterValue;
  options?: ParameterValue[];
  min?: number;
  max?: number;
  step?: number;
  /** Whole numbers only (number type). */
  integer?: boolean;
  required?: boolean;
  /** The default is forced: the field is shown but cannot be changed. */
  fixed?: boolean;
  /**
   * The parameter may leave its default only while these other parameters hold these values
   * (e.g. Vidu 1.5's background music only at `{"duration": 4}`); otherwise it keeps its default.
   */
  only_when?: Record<string, ParameterValue>;
}

/** Keyed by parameter name, in display order. */
export type ParametersSchema = Record<string, ParameterSpec>;

export interface ModelDto {
  id: string;
  name: string;
  slug: string;
  model_type: AssetType;
  input_type: ModelInputType;
  parameters_schema: ParametersSchema;
  cost: number;
  provider_id: string;
  provider_name: string;
  provider_kind: ProviderKind;
  is_active: boolean;
}

/** Admin view of a model: everything needed to drive the provider. */
export interface ModelAdminDto extends ModelDto {
  api_endpoint: string | null;
  request_schema: unknown;
  response_mapping: unknown;
  created_at: string;
  updated_at: string;
}

/** Admin view of a provider. The API key and webhook secret are write-only: only whether they are set is shown. */
export interface ProviderDto {
  id: string;
  name: string;
  kind: ProviderKind;
  base_url: string | null;
  upload_base_url: string | null;
  extra_headers: Record<string, string>;
  has_api_key: boolean;
  has_webhook_secret: boolean;
  max_concurrency: number;
  /** Create-rate override: at most `requests` new tasks per `per_ms`; null: the default of the kind. */
  rate_limit: { requests: number; per_ms: number } | null;
  allow_private_network: boolean;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}
