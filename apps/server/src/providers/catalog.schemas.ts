import { MODEL_INPUT_TYPES, PROVIDER_KINDS, ASSET_TYPES } from '@genbox/contracts';
import { z } from 'zod';

const value = z.union([z.string(), z.number(), z.boolean()]);
export const ParameterSpecSchema = z
  .object({
    type: z.enum(['select', 'number', 'boolean', 'text']),
    label: z.string().optional(),
    description: z.string().optional(),
    default: value.optional(),
    options: z.array(value).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    step: z.number().optional(),
    integer: z.boolean().optional(),
    required: z.boolean().optional(),
    fixed: z.boolean().optional(),
    only_when: z.record(z.string(), value).optional(),
  })
  .refine((s) => s.type !== 'select' || (s.options && s.options.length > 0), 'a select needs options')
  .refine((s) => !s.fixed || s.default !== undefined, 'a fixed parameter needs a default');
export const ParametersSchemaSchema = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'parameter names are identifiers'), ParameterSpecSchema);

const url = z.string().url('must be a URL').nullable().optional();
export const CreateProvider = z.object({
  name: z.string().trim().min(1).max(80),
  kind: z.enum(PROVIDER_KINDS),
  base_url: url,
  upload_base_url: url,
  api_key: z.string().min(1).max(4096).nullable().optional(),
  webhook_secret: z.string().min(1).max(4096).nullable().optional(),
  extra_headers: z.record(z.string(), z.string()).optional(),
  max_concurrency: z.number().int().min(1).max(1000).optional(),
  /** Overrides the kind's create-rate limit; null goes back to it. */
  rate_limit: z.object({ requests: z.number().int().min(1).max(1_000_000), per_ms: z.number().int().min(100).max(86_400_000) }).strict().nullable().optional(),
  allow_private_network: z.boolean().optional(),
  is_active: z.boolean().optional(),
});
export const UpdateProvider = CreateProvider.partial();

export const CreateModel = z.object({
  provider_id: z.string().uuid('must be a provider id'),
  name: z.string().trim().min(1).max(120),
  slug: z.string().trim().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lowercase letters, digits, dot, dash, underscore').max(120),
  model_type: z.enum(ASSET_TYPES),
  input_type: z.enum(MODEL_INPUT_TYPES).default('TEXT'),
  api_endpoint: z.string().max(2000).nullable().optional(),
  request_schema: z.unknown().optional(),
  response_mapping: z.unknown().optional(),
  parameters_schema: ParametersSchemaSchema.default({}),
  cost: z.number().min(0).default(0),
  is_active: z.boolean().optional(),
});
export const UpdateModel = CreateModel.partial();
