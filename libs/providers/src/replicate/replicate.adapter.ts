import type { AdapterContext, IncomingWebhook, InputImage, ModelConfig, PollResult, ProviderAdapter, ProviderConfig, SubmitRequest, SubmitResult, WebhookResult } from '../adapter.js';
import { ProviderError } from '../errors.js';
import { parseJsonBody, requestJson } from '../http.js';
import { DEFAULT_TASK_TIMEOUT_MS, defaultPollSchedule } from '../poll.js';
import { buildNativeInput } from '../template/native-input.js';
import { REPLICATE, REPLICATE_DEFAULT_BASE_URL, readPrediction, verifyStandardWebhook, type Prediction } from './replicate.wire.js';

export interface ReplicateAdapterOptions {
  /** Seconds the create call is held open (`Prefer: wait=n`) so fast models finish without a poll; 0 sends no Prefer. */
  preferWaitSeconds?: number;
  /** ms one HTTP call may take beyond the Prefer wait before it is a retryable provider_timeout. */
  requestTimeoutMs?: number;
}

const VERSION_ID = /^[0-9a-f]{64}$/;

/**
 * Replicate predictions. The model row's api_endpoint is "owner/name" (an official model: POST
 * /models/{owner}/{name}/predictions), "owner/name:<version>" or a bare version id (POST /predictions).
 */
export class ReplicateAdapter implements ProviderAdapter {
  readonly kind = 'replicate' as const;
  readonly pollSchedule = defaultPollSchedule();
  readonly timeoutMs = DEFAULT_TASK_TIMEOUT_MS;

  constructor(private readonly options: ReplicateAdapterOptions = {}) {}

  async submit(req: SubmitRequest, ctx: AdapterContext): Promise<SubmitResult> {
    const target = routeFor(req.model);
    let imageUrl: string | null = null;
    if (req.input) imageUrl = req.input.url ?? (await stageReplicateFile(req.input, req.provider, ctx, this.options.requestTimeoutMs));
    else if (req.model.inputType === 'IMAGE') throw new ProviderError('missing_input_image', `"${req.model.name}" starts from an image: pick an image as the parent asset.`);
    const body = {
      ...(target.version ? { version: target.version } : {}),
      input: buildNativeInput(req, imageUrl, (url) => ({ image: url })),
      ...(req.webhookUrl ? { webhook: req.webhookUrl, webhook_events_filter: ['completed'] } : {}),
    };
    const wait = this.options.preferWaitSeconds ?? 5;
    const answer = await requestJson<Prediction>(ctx, {
      ...call(req.provider, target.path, body),
      headers: { ...call(req.provider, target.path).headers, ...(wait > 0 ? { prefer: `wait=${Math.min(60, wait)}` } : {}) },
      timeoutMs: wait * 1000 + (this.options.requestTimeoutMs ?? 30_000),
    });
    if (!answer.body?.id) throw new ProviderError('provider_bad_response', `${REPLICATE} created a prediction but sent no id; retry later.`);
    const result = readPrediction(answer.body);
    return result.status === 'PROCESSING' ? { kind: 'queued', taskId: answer.body.id, result } : { kind: 'finished', result };
  }

  async poll(taskId: string, req: SubmitRequest, ctx: AdapterContext): Promise<PollResult> {
    const answer = await requestJson<Prediction>(ctx, { ...call(req.provider, `/predictions/${encodeURIComponent(taskId)}`), timeoutMs: this.options.requestTimeoutMs });
    return readPrediction(answer.body);
  }

  async cancel(taskId: string, req: SubmitRequest, ctx: AdapterContext): Promise<void> {
    await requestJson(ctx, { ...call(req.provider, `/predictions/${encodeURIComponent(taskId)}/cancel`, {}), timeoutMs: this.options.requestTimeoutMs });
  }

  /** Verified per Standard Webhooks when the provider has a whsec_ secret; without one, only a trigger to poll. */
  parseWebhook(hook: IncomingWebhook, provider: ProviderConfig, _model: ModelConfig): WebhookResult {
    const prediction = parseJsonBody<Prediction>(REPLICATE, hook.rawBody.toString('utf8'));
    if (!prediction?.id) throw new ProviderError('provider_bad_response', `${REPLICATE} sent a webhook without a prediction id.`);
    if (!provider.webhookSecret) return { taskId: prediction.id, eventId: null, result: null };
    const id = header(hook, 'webhook-id');
    verifyStandardWebhook(provider.webhookSecret, id, header(hook, 'webhook-timestamp'), header(hook, 'webhook-signature'), hook.rawBody, Date.now());
    return { taskId: prediction.id, eventId: id, result: readPrediction(prediction) };
  }
}

function routeFor(model: ModelConfig): { path: string; version?: string } {
  const endpoint = model.apiEndpoint?.trim() ?? '';
  const route = replicateRoute(endpoint);
  if (!route) throw new ProviderError('template_invalid', `The model "${model.name}" needs api_endpoint "owner/name" or "owner/name:<version id>" for Replicate (got "${endpoint}").`);
  return route;
}

/** Where a model row's api_endpoint sends its predictions: "owner/name", "owner/name:<version>" or a bare version id; null for any other shape. */
export function replicateRoute(endpoint: string): { path: string; version?: string } | null {
  if (VERSION_ID.test(endpoint)) return { path: '/predictions', version: endpoint };
  const m = /^([\w.-]+)\/([\w.-]+)(?::([0-9a-f]{64}))?$/.exec(endpoint);
  if (!m) return null;
  return m[3] ? { path: '/predictions', version: m[3] } : { path: `/models/${m[1]}/${m[2]}/predictions` };
}

/** Uploads the input image to /v1/files when Genbox has no URL Replicate can fetch; answers its urls.get. */
async function stageReplicateFile(input: InputImage, provider: ProviderConfig, ctx: AdapterContext, timeoutMs?: number): Promise<string> {
  const form = new FormData();
  form.append('content', new Blob([new Uint8Array(await input.read())], { type: input.mimeType }), input.filename);
  form.append('filename', input.filename);
  form.append('type', input.mimeType);
  const answer = await requestJson<{ urls?: { get?: string } }>(ctx, { ...call(provider, '/files', form), timeoutMs });
  const url = answer.body?.urls?.get;
  if (!url) throw new ProviderError('provider_bad_response', `${REPLICATE} stored the input image but sent no URL for it; retry later.`);
  return url;
}

function call(provider: ProviderConfig, path: string, body?: unknown) {
  return {
    provider: REPLICATE,
    url: `${(provider.baseUrl ?? REPLICATE_DEFAULT_BASE_URL).replace(/\/+$/, '')}${path}`,
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...provider.extraHeaders, authorization: `Bearer ${provider.apiKey ?? ''}` },
    body,
    secrets: [provider.apiKey],
  };
}

function header(hook: IncomingWebhook, name: string): string {
  const v = hook.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}
