import { z } from 'zod';
import { patchOf } from './patch.js';
import { ASSET_TYPES, MODEL_INPUT_TYPES, PROVIDER_KINDS } from './status.js';
import { Timestamp } from './user.js';

export const ParameterValue = z.union([z.string(), z.number(), z.boolean()]);
export type ParameterValue = z.infer<typeof ParameterValue>;

export const ParameterSpec = z
  .object({
    type: z.enum(['select', 'number', 'boolean', 'text']),
    label: z.string().optional(),
    description: z.string().optional(),
    default: ParameterValue.optional(),
    options: z.array(ParameterValue).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    step: z.number().optional(),
    integer: z.boolean().optional().describe('Whole numbers only (number type)'),
    required: z.boolean().optional(),
    fixed: z.boolean().optional().describe('The default is forced: the field is shown but cannot be changed'),
    only_when: z
      .record(z.string(), ParameterValue)
      .optional()
      .describe("The parameter may leave its default only while these other parameters hold these values (e.g. Vidu 1.5's background music only at {\"duration\": 4})"),
  })
  .refine((s) => s.type !== 'select' || (s.options && s.options.length > 0), 'a select needs options')
  .refine((s) => !s.fixed || s.default !== undefined, 'a fixed parameter needs a default')
  .meta({ id: 'ParameterSpec' });
export type ParameterSpec = z.infer<typeof ParameterSpec>;

/** Keyed by parameter name, in display order. */
export const ParametersSchema = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'parameter names are identifiers'), ParameterSpec);
export type ParametersSchema = z.infer<typeof ParametersSchema>;

const modelFields = {
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  model_type: z.enum(ASSET_TYPES).describe('What it makes'),
  input_type: z.enum(MODEL_INPUT_TYPES).describe('IMAGE: a generation needs parent_asset_id, an image'),
  parameters_schema: ParametersSchema,
  cost: z.number().describe('Credits per run'),
  provider_id: z.string(),
  provider_name: z.string(),
  provider_kind: z.enum(PROVIDER_KINDS),
  is_active: z.boolean(),
};
export const ModelDto = z.strictObject(modelFields).meta({ id: 'Model' });
export type ModelDto = z.infer<typeof ModelDto>;

/** Admin view of a model: everything needed to drive the provider. */
export const ModelAdminDto = z
  .strictObject({
    ...modelFields,
    api_endpoint: z.string().nullable(),
    request_schema: z.unknown(),
    response_mapping: z.unknown(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'ModelAdmin' });
export type ModelAdminDto = z.infer<typeof ModelAdminDto>;

/**
 * How a template provider's chat models are called (the storyboard planner): the template
 * adapter's mechanism for one chat call. `api_endpoint` (relative to base_url, `{{model}}` allowed),
 * `request_schema` (the JSON body with placeholders `model`, `system`, `user`, `prompt`,
 * `messages`, `json_schema`, `schema`), `response_mapping` (`text`: the answer's path; optional
 * `refusal`, `finish_reason` with the `cut_off` and `refused` values meaning the answer was cut or refused, and the
 * template adapter's `auth`, `method`, `envelope`). Null: OpenAI's chat completions at base_url.
 */
export const ChatTemplate = z
  .strictObject({
    api_endpoint: z.string().trim().min(1, 'is required').max(2000),
    request_schema: z.record(z.string(), z.unknown()),
    response_mapping: z.looseObject({
      text: z.string().min(1, 'is required: the path of the answer text, e.g. content[0].text'),
      refusal: z.string().optional(),
      finish_reason: z.string().optional(),
      cut_off: z.array(z.string()).optional(),
      refused: z.array(z.string()).optional(),
    }),
  })
  .meta({ id: 'ChatTemplate', examples: [{ api_endpoint: 'messages', request_schema: { model: '{{model}}', max_tokens: 4096, system: '{{system}}', messages: [{ role: 'user', content: '{{user}}' }] }, response_mapping: { auth: { header: 'x-api-key', prefix: '' }, text: 'content[0].text', finish_reason: 'stop_reason', cut_off: ['max_tokens'] } }] });
export type ChatTemplate = z.infer<typeof ChatTemplate>;

const RateLimit = z.strictObject({ requests: z.number().int().min(1).max(1_000_000), per_ms: z.number().int().min(100).max(86_400_000) });

/** Admin view of a provider. The API key and webhook secret are write-only: only whether they are set is shown. */
export const ProviderDto = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    kind: z.enum(PROVIDER_KINDS),
    base_url: z.string().nullable(),
    upload_base_url: z.string().nullable(),
    extra_headers: z.record(z.string(), z.string()),
    has_api_key: z.boolean(),
    has_webhook_secret: z.boolean(),
    max_concurrency: z.number().int(),
    rate_limit: RateLimit.nullable().describe('Create-rate override: at most `requests` new tasks per `per_ms`; null: the default of the kind'),
    allow_private_network: z.boolean(),
    chat_template: ChatTemplate.nullable().describe("template providers: how its chat models are called (the storyboard planner); null: OpenAI's chat completions at base_url"),
    is_active: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Provider' });
export type ProviderDto = z.infer<typeof ProviderDto>;

const Url = z.string().url('must be a URL').nullable().optional();
export const CreateProviderRequest = z
  .object({
    name: z.string().trim().min(1).max(80),
    kind: z.enum(PROVIDER_KINDS),
    base_url: Url,
    upload_base_url: Url,
    api_key: z.string().min(1).max(4096).nullable().optional().describe('Write-only: stored encrypted, never returned'),
    webhook_secret: z.string().min(1).max(4096).nullable().optional(),
    extra_headers: z.record(z.string(), z.string()).optional(),
    max_concurrency: z.number().int().min(1).max(1000).optional(),
    rate_limit: RateLimit.nullable().optional().describe("Overrides the kind's create-rate limit; null goes back to it"),
    allow_private_network: z.boolean().optional(),
    chat_template: ChatTemplate.nullable().optional(),
    is_active: z.boolean().optional(),
  })
  .meta({ examples: [{ name: 'Replicate', kind: 'replicate', base_url: 'https://api.replicate.com', api_key: 'r8_…' }] });
export type CreateProviderRequest = z.input<typeof CreateProviderRequest>;
export const UpdateProviderRequest = patchOf(CreateProviderRequest);
export type UpdateProviderRequest = z.input<typeof UpdateProviderRequest>;

export const CreateModelRequest = z.object({
  provider_id: z.string().uuid('must be a provider id'),
  name: z.string().trim().min(1).max(120),
  slug: z.string().trim().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lowercase letters, digits, dot, dash, underscore').max(120),
  model_type: z.enum(ASSET_TYPES),
  input_type: z.enum(MODEL_INPUT_TYPES).default('TEXT'),
  api_endpoint: z.string().max(2000).nullable().optional(),
  request_schema: z.unknown().optional(),
  response_mapping: z.unknown().optional(),
  parameters_schema: ParametersSchema.default({}),
  // the column is numeric(12,4): a larger cost would be a database error, not an answer
  cost: z.number().min(0).max(1_000_000, 'is at most 1000000 credits').default(0),
  is_active: z.boolean().optional(),
});
export type CreateModelRequest = z.input<typeof CreateModelRequest>;
export const UpdateModelRequest = patchOf(CreateModelRequest);
export type UpdateModelRequest = z.input<typeof UpdateModelRequest>;

/** `POST /api/models/import`: a model by the name Replicate or fal publishes it under. */
export const ImportModelRequest = z
  .object({
    provider_id: z.string().uuid('must be a provider id'),
    name: z.string().trim().min(3, 'type a model name such as google/veo-3.1-fast').max(200),
  })
  .meta({ examples: [{ provider_id: '0b6c…', name: 'google/veo-3.1-fast' }] });
export type ImportModelRequest = z.input<typeof ImportModelRequest>;

/** The model created from the provider's published schema; `skipped` lists inputs that became no form field. */
export const ImportedModelDto = ModelAdminDto.extend({ skipped: z.array(z.string()) });
export type ImportedModelDto = z.infer<typeof ImportedModelDto>;

const Counts = z.strictObject({ created: z.number().int(), updated: z.number().int() });
/** What `POST /api/catalog/import` answers: rows created and updated. */
export const CatalogImportReport = z.strictObject({ providers: Counts, models: Counts });
export type CatalogImportReport = z.infer<typeof CatalogImportReport>;

/** `POST /api/providers/:id/test`: one cheap authenticated call (account, balance or model list); nothing is generated. */
export const ProviderTestResult = z
  .strictObject({
    ok: z.boolean().describe('The provider answered and took the key'),
    message: z.string().describe('What it answered, or what went wrong, in a sentence'),
    duration_ms: z.number().int(),
  })
  .meta({ id: 'ProviderTestResult' });
export type ProviderTestResult = z.infer<typeof ProviderTestResult>;

/** `POST /api/models/:id/test`: the prompt and parameters of one real run (parameters default as in a generation). */
export const ModelTestRequest = z
  .strictObject({
    prompt: z.string().trim().min(1).max(2000).optional().describe('Default: a short test prompt'),
    generation_config: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ examples: [{ prompt: 'a red bicycle against a white wall' }] });
export type ModelTestRequest = z.input<typeof ModelTestRequest>;

/** What one real run through the provider answered: no asset is made and no credits are spent. */
export const ModelTestResult = z
  .strictObject({
    ok: z.boolean().describe('The run finished with a file'),
    status: z.enum(['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELED']).nullable().describe("The provider's last word on the run; null when it never answered"),
    provider_state: z.string().nullable(),
    task_id: z.string().nullable(),
    message: z.string(),
    duration_ms: z.number().int(),
    outputs: z.array(z.strictObject({
      mime_type: z.string().nullable(),
      size_bytes: z.number().int().nullable(),
      /** The file itself as a data: URL, for images and videos up to a few MB; null otherwise. */
      preview: z.string().nullable(),
    })),
  })
  .meta({ id: 'ModelTestResult' });
export type ModelTestResult = z.infer<typeof ModelTestResult>;
