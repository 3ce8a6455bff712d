import type { AdapterContext, InputImage, PollResult, ProviderAdapter, ProviderConfig, SubmitRequest, SubmitResult } from '../adapter.js';
import { ProviderError } from '../errors.js';
import { requestJson } from '../http.js';
import { DEFAULT_TASK_TIMEOUT_MS, defaultPollSchedule } from '../poll.js';
import { readPath } from './json-path.js';
import { activeParams } from './native-input.js';
import { checkEnvelope, parseMapping, readPollResult, type TemplateMapping } from './mapping.js';
import { interpolate, renderTemplate, type TemplateVars } from './render.js';

/**
 * Drives any HTTP provider from data: the model's api_endpoint (submit URL), request_schema
 * (body template) and response_mapping (see mapping.ts). Per-model poll interval and timeout
 * come from response_mapping.poll (read by pollPlanFor).
 */
export class TemplateAdapter implements ProviderAdapter {
  readonly kind = 'template' as const;
  readonly pollSchedule = defaultPollSchedule();
  readonly timeoutMs = DEFAULT_TASK_TIMEOUT_MS;

  async submit(req: SubmitRequest, ctx: AdapterContext): Promise<SubmitResult> {
    const mapping = parseMapping(req.model.responseMapping);
    const vars = await templateVars(req, mapping);
    if (!req.model.apiEndpoint) throw new ProviderError('template_invalid', `The model "${req.model.name}" has no api_endpoint: set the submit URL in Models.`);
    const url = resolveUrl(req.provider, interpolate(req.model.apiEndpoint, vars, true));
    const rendered = renderTemplate(req.model.requestSchema ?? {}, vars);
    const answer = await requestJson(ctx, {
      provider: req.provider.name,
      url,
      method: mapping.method,
      headers: headersFor(req.provider, mapping),
      body: mapping.body === 'multipart' ? toFormData(rendered) : rendered,
      secrets: [req.provider.apiKey],
    });
    checkEnvelope(req.provider.name, answer.body, mapping);
    if (mapping.mode === 'sync') return { kind: 'finished', result: readPollResult(req.provider.name, answer.body, mapping) };
    const taskId = readPath(answer.body, mapping.task_id);
    if (typeof taskId !== 'string' && typeof taskId !== 'number') {
      throw new ProviderError('provider_bad_response', `${req.provider.name} accepted the request but its answer has no task id at "${mapping.task_id}": check the model's response_mapping.task_id.`);
    }
    return { kind: 'queued', taskId: String(taskId) };
  }

  async poll(taskId: string, req: SubmitRequest, ctx: AdapterContext): Promise<PollResult> {
    const mapping = parseMapping(req.model.responseMapping);
    if (!mapping.poll) throw new ProviderError('template_invalid', `The model "${req.model.name}" is synchronous and has nothing to poll.`);
    const answer = await requestJson(ctx, {
      provider: req.provider.name,
      url: resolveUrl(req.provider, interpolate(mapping.poll.url, { task_id: taskId }, true)),
      method: mapping.poll.method,
      headers: headersFor(req.provider, mapping),
      secrets: [req.provider.apiKey],
    });
    checkEnvelope(req.provider.name, answer.body, mapping);
    return readPollResult(req.provider.name, answer.body, mapping);
  }

  async cancel(taskId: string, req: SubmitRequest, ctx: AdapterContext): Promise<void> {
    const mapping = parseMapping(req.model.responseMapping);
    if (!mapping.cancel) return; // the provider has no cancel: Genbox stops polling and drops the result
    await requestJson(ctx, {
      provider: req.provider.name,
      url: resolveUrl(req.provider, interpolate(mapping.cancel.url, { task_id: taskId }, true)),
      method: mapping.cancel.method,
      headers: headersFor(req.provider, mapping),
      body: mapping.cancel.method === 'GET' ? undefined : {},
      secrets: [req.provider.apiKey],
    });
  }
}

/** prompt, image_url, every parameter, webhook_url, asset_id and model (the api_endpoint). */
async function templateVars(req: SubmitRequest, mapping: TemplateMapping): Promise<TemplateVars> {
  const imageUrl = req.input ? await imageUrlFor(req.input, mapping, req.provider.name) : null;
  if (req.model.inputType === 'IMAGE' && !imageUrl) {
    throw new ProviderError('missing_input_image', `"${req.model.name}" starts from an image: pick an image as the parent asset.`);
  }
  return { ...activeParams(req), prompt: req.prompt, image_url: imageUrl, webhook_url: req.webhookUrl, asset_id: req.assetId, model: req.model.apiEndpoint };
}

async function imageUrlFor(input: InputImage, mapping: TemplateMapping, provider: string): Promise<string> {
  if (mapping.inline_image) return `data:${input.mimeType};base64,${(await input.read()).toString('base64')}`;
  if (input.url) return input.url;
  throw new ProviderError('missing_input_image', `${provider} must fetch the input image by URL, and Genbox has no URL it can reach: set PUBLIC_URL or S3 storage, or set inline_image in the model's response_mapping.`);
}

export function resolveUrl(provider: Pick<ProviderConfig, 'baseUrl' | 'name'>, target: string): string {
  if (/^https?:\/\//i.test(target)) return target;
  if (!provider.baseUrl) throw new ProviderError('template_invalid', `${provider.name} has no base URL, and the model's URL "${target}" is relative: set the base URL in Providers.`);
  return `${provider.baseUrl.replace(/\/+$/, '')}/${target.replace(/^\/+/, '')}`;
}

function headersFor(provider: ProviderConfig, mapping: TemplateMapping): Record<string, string> {
  const headers: Record<string, string> = { ...provider.extraHeaders };
  if (mapping.accept) headers.accept = mapping.accept;
  if (mapping.auth && provider.apiKey) headers[mapping.auth.header] = `${mapping.auth.prefix}${provider.apiKey}`;
  return headers;
}

/** Multipart bodies (Stability): each top-level field as text; objects as JSON. */
function toFormData(rendered: unknown): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries((rendered as Record<string, unknown>) ?? {})) {
    form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return form;
}
