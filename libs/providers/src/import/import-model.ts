import type { AssetType, ModelInputType, ParametersSchema } from '@genbox/contracts';
import type { AdapterContext, ProviderConfig } from '../adapter.js';
import { ProviderError } from '../errors.js';
import { requestJson } from '../http.js';
import { parametersFromInputSchema, type InputSchema } from './schema-to-parameters.js';

/** A model row derived from a provider's published schema, ready for an admin to adjust. */
export interface ImportedModel {
  name: string;
  model_type: AssetType;
  input_type: ModelInputType;
  api_endpoint: string;
  request_schema: Record<string, string> | null;
  parameters_schema: ParametersSchema;
  /** Where the schema came from. */
  source: string;
  /** What could not be turned into a form field. */
  skipped: string[];
}

export const IMPORTABLE_KINDS = ['replicate', 'fal'] as const;

const REPLICATE_NAME = /^[\w.-]+\/[\w.-]+(:[0-9a-f]{64})?$/;
const FAL_NAME = /^[\w.-]+(\/[\w.-]+)+$/;
const VIDEO_WORDS = /video|veo|kling|sora|seedance|hailuo|wan-|luma|runway|pixverse|vidu/i;

/**
 * Reads a model's input schema where the provider publishes it and derives a model row:
 * Replicate: `GET /v1/models/{owner}/{name}` (latest_version.openapi_schema) or `/versions/{id}` for a
 * pinned `owner/name:<version>`; fal: the endpoint's OpenAPI at `/api/openapi/queue/openapi.json?endpoint_id=`
 * on fal.ai (or on the provider's own base URL when it is not queue.fal.run, as for a simulator).
 */
export async function importModelByName(provider: ProviderConfig, name: string, ctx: AdapterContext): Promise<ImportedModel> {
  const id = name.trim();
  if (provider.kind === 'replicate') return importReplicate(provider, id, ctx);
  if (provider.kind === 'fal') return importFal(provider, id, ctx);
  throw new ProviderError('template_invalid', `Import by name reads Replicate's and fal's published schemas; "${provider.name}" is a ${provider.kind} provider. Add its models by hand.`);
}

async function importReplicate(provider: ProviderConfig, id: string, ctx: AdapterContext): Promise<ImportedModel> {
  if (!REPLICATE_NAME.test(id)) throw new ProviderError('template_invalid', `"${id}" is not a Replicate model name: use owner/name (e.g. google/veo-3.1-fast) or owner/name:<64-hex version>.`);
  const [model, version] = id.split(':');
  const base = (provider.baseUrl ?? 'https://api.replicate.com/v1').replace(/\/+$/, '');
  const call = { provider: provider.name, headers: { ...provider.extraHeaders, authorization: `Bearer ${provider.apiKey ?? ''}` }, secrets: [provider.apiKey] };
  const url = version ? `${base}/models/${model}/versions/${version}` : `${base}/models/${model}`;
  const { body } = await requestJson<{ description?: string; latest_version?: { openapi_schema?: Schema } | null; openapi_schema?: Schema }>(ctx, { ...call, url });
  const schema = version ? body.openapi_schema : body.latest_version?.openapi_schema;
  const input = schema?.components?.schemas?.Input;
  if (!input) throw new ProviderError('provider_bad_response', `Replicate has no input schema for ${id} (no ${version ? '' : 'latest_version.'}openapi_schema.components.schemas.Input): pick a version that publishes one.`);
  const video = VIDEO_WORDS.test(`${model} ${body.description ?? ''}`);
  return derive(id, model.split('/')[1], video, input, schema, `${url} (openapi_schema)`);
}

async function importFal(provider: ProviderConfig, id: string, ctx: AdapterContext): Promise<ImportedModel> {
  if (!FAL_NAME.test(id)) throw new ProviderError('template_invalid', `"${id}" is not a fal endpoint id: use owner/app[/path] (e.g. fal-ai/kling-video/v2.5-turbo/pro/image-to-video).`);
  const base = provider.baseUrl && !/^https:\/\/queue\.fal\.run\/?$/.test(provider.baseUrl) ? provider.baseUrl.replace(/\/+$/, '') : 'https://fal.ai';
  const url = `${base}/api/openapi/queue/openapi.json?endpoint_id=${encodeURIComponent(id)}`;
  const { body: doc } = await requestJson<Schema & { info?: { 'x-fal-metadata'?: { category?: string } } }>(ctx, { provider: provider.name, url, headers: { ...provider.extraHeaders }, secrets: [provider.apiKey] });
  const post = doc.paths?.[`/${id}`]?.post;
  const ref = post?.requestBody?.content?.['application/json']?.schema as InputSchema | undefined;
  const input = ref?.$ref ? lookup(doc, ref.$ref) : ref;
  if (!input) throw new ProviderError('provider_bad_response', `fal's OpenAPI for ${id} has no request body schema at paths["/${id}"].post: check the endpoint id.`);
  const category = doc.info?.['x-fal-metadata']?.category ?? '';
  const video = /video/.test(category) || (!category && VIDEO_WORDS.test(id));
  return derive(id, id.split('/').slice(1).join(' '), video, input, doc, url);
}

interface Schema {
  components?: { schemas?: Record<string, InputSchema> };
  paths?: Record<string, { post?: { requestBody?: { content?: Record<string, { schema?: unknown }> } } }>;
}

function derive(id: string, title: string, video: boolean, input: InputSchema, root: unknown, source: string): ImportedModel {
  const d = parametersFromInputSchema(input, root);
  return {
    name: title.replace(/[-_/]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()),
    model_type: video ? 'VIDEO' : 'IMAGE',
    input_type: d.imageRequired ? 'IMAGE' : 'TEXT',
    api_endpoint: id,
    request_schema: d.imageField ? { [d.imageField]: '{{image_url}}' } : null,
    parameters_schema: d.parameters,
    source,
    skipped: d.skipped,
  };
}

function lookup(root: unknown, ref: string): InputSchema | undefined {
  return ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root) as InputSchema | undefined;
}
