import type { AssetType, ModelInputType, ParameterSpec, ParametersSchema, ProviderKind } from '@genbox/contracts';
import { MOTIONS } from './motion.js';

/** The `ai_providers` row the server creates at start so Genbox works with no keys. */
export const LOCAL_PROVIDER = {
  name: 'Local (built-in)',
  kind: 'local' satisfies ProviderKind,
  base_url: null,
  /** Rendering runs on this machine's CPU: a couple at a time keeps the API responsive. */
  max_concurrency: 2,
  is_active: true,
} as const;

/** An `ai_models` row of the local provider, as the server seeds it. */
export interface LocalModelSeed {
  name: string;
  slug: string;
  model_type: AssetType;
  input_type: ModelInputType;
  api_endpoint: null;
  request_schema: null;
  response_mapping: null;
  parameters_schema: ParametersSchema;
  cost: number;
}

const seed = {
  type: 'number',
  label: 'Seed',
  description: 'Same prompt and seed, same result. Leave empty for a new one each time.',
  min: 0,
  max: 2147483647,
  integer: true,
} satisfies ParameterSpec;
const aspectRatio = (options: string[], fallback: string): ParameterSpec => ({ type: 'select', label: 'Aspect ratio', options, default: fallback });
const duration = { type: 'select', label: 'Duration (s)', options: [2, 4, 6, 8], default: 4 } satisfies ParameterSpec;
const motion = { type: 'select', label: 'Camera motion', options: [...MOTIONS], default: 'zoom-in' } satisfies ParameterSpec;
/** Shown so people know what they get; fixed because the renderer is tuned for it. */
const fps = { type: 'select', label: 'Frame rate', options: [24], default: 24, fixed: true } satisfies ParameterSpec;

const SHAPES = ['1:1', '16:9', '9:16', '4:3', '3:4'];
const none = { api_endpoint: null, request_schema: null, response_mapping: null } as const;

export const LOCAL_MODELS: readonly LocalModelSeed[] = [
  {
    name: 'Local image',
    slug: 'local-image',
    model_type: 'IMAGE',
    input_type: 'TEXT',
    ...none,
    parameters_schema: { aspect_ratio: aspectRatio(SHAPES, '1:1'), seed },
    cost: 0,
  },
  {
    name: 'Local video',
    slug: 'local-video',
    model_type: 'VIDEO',
    input_type: 'TEXT',
    ...none,
    parameters_schema: { aspect_ratio: aspectRatio(SHAPES, '16:9'), duration, motion, fps, seed },
    cost: 0,
  },
  {
    name: 'Local animate',
    slug: 'local-animate',
    model_type: 'VIDEO',
    input_type: 'IMAGE',
    ...none,
    parameters_schema: { aspect_ratio: aspectRatio(['auto', ...SHAPES], 'auto'), duration, motion, fps },
    cost: 0,
  },
];
