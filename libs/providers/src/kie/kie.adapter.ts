import type { AdapterContext, IncomingWebhook, ModelConfig, PollResult, ProviderAdapter, ProviderConfig, SubmitRequest, SubmitResult, WebhookResult } from '../adapter.js';
import { ProviderError } from '../errors.js';
import { parseJsonBody, requestJson } from '../http.js';
import { DEFAULT_TASK_TIMEOUT_MS, defaultPollSchedule } from '../poll.js';
import { buildNativeInput, renderFullBody } from '../template/native-input.js';
import { kieFamilyOf } from './kie.families.js';
import { stageKieFile } from './kie.upload.js';
import { KIE, KIE_DEFAULT_BASE_URL, checkKieEnvelope, readKieRecord, verifyKieSignature, type KieEnvelope, type KieRecord } from './kie.wire.js';

/**
 * Kie.ai market jobs: createTask, then recordInfo polls and/or a signed callback.
 * The model row's api_endpoint is Kie's `model` string (e.g. "bytedance/seedance-1.5-pro") or the API path
 * of a Kie product (`/api/v1/jobs/createTask`, `/api/v1/veo/generate`) whose body request_schema holds.
 * Kie has no cancel endpoint: a canceled asset simply stops being polled.
 */
export class KieAdapter implements ProviderAdapter {
  readonly kind = 'kie' as const;
  readonly pollSchedule = defaultPollSchedule();
  readonly timeoutMs = DEFAULT_TASK_TIMEOUT_MS;

  /** requestTimeoutMs: how long one HTTP call may take before it is a retryable provider_timeout. */
  constructor(private readonly options: { requestTimeoutMs?: number } = {}) {}

  async submit(req: SubmitRequest, ctx: AdapterContext): Promise<SubmitResult> {
    const endpoint = req.model.apiEndpoint?.trim();
    if (!endpoint) throw new ProviderError('template_invalid', `The model "${req.model.name}" has no api_endpoint: set it to a Kie.ai model name (e.g. bytedance/seedance-1.5-pro) or an API path (e.g. /api/v1/jobs/createTask).`);
    const family = kieFamilyOf(endpoint);
    let imageUrl: string | null = null;
    if (req.input) imageUrl = req.input.url ?? (await stageKieFile(req.input, req.assetId, req.provider, ctx));
    else if (req.model.inputType === 'IMAGE') throw new ProviderError('missing_input_image', `"${req.model.name}" starts from an image: pick an image as the parent asset.`);
    const answer = await requestJson<KieEnvelope<{ taskId?: string }>>(ctx, { ...call(req.provider, family.submitPath, kieBody(req, endpoint, imageUrl)), timeoutMs: this.options.requestTimeoutMs });
    const data = checkKieEnvelope(answer.body, 'creating the task');
    if (!data.taskId) throw new ProviderError('provider_bad_response', `${KIE} accepted the task but sent no taskId; retry later.`);
    return { kind: 'queued', taskId: data.taskId };
  }

  async poll(taskId: string, req: SubmitRequest, ctx: AdapterContext): Promise<PollResult> {
    const family = kieFamilyOf(req.model.apiEndpoint?.trim() ?? '');
    const answer = await requestJson<KieEnvelope<unknown>>(ctx, { ...call(req.provider, `${family.pollPath}?taskId=${encodeURIComponent(taskId)}`), timeoutMs: this.options.requestTimeoutMs });
    return family.read(checkKieEnvelope(answer.body, 'reading the task'));
  }

  /**
   * Verifies X-Webhook-Signature over `taskId.timestamp` when the provider has a webhook secret.
   * Without one the body cannot be trusted, so only the task id comes back: the caller polls to reconcile.
   */
  parseWebhook(hook: IncomingWebhook, provider: ProviderConfig, _model: ModelConfig): WebhookResult {
    const body = parseJsonBody<KieCallback>(KIE, hook.rawBody.toString('utf8'));
    // Two documented shapes: market jobs send data.taskId; other products send data.task_id beside a top-level taskId.
    const taskId = body?.data?.taskId ?? body?.data?.task_id ?? body?.taskId ?? null;
    if (!taskId) throw new ProviderError('provider_bad_response', `${KIE} sent a callback without a task id (data.taskId, data.task_id or taskId).`);
    if (!provider.webhookSecret) return { taskId, eventId: null, result: null };
    verifyKieSignature(provider.webhookSecret, taskId, header(hook, 'x-webhook-timestamp'), header(hook, 'x-webhook-signature'), Date.now());
    const eventId = `${taskId}:${header(hook, 'x-webhook-timestamp')}`;
    // Only a market record says its state (data.state; the failure callback carries code 501 too).
    // Any other shape is a trigger: the caller re-reads the task's detail endpoint.
    const state = (body.data as KieRecord | undefined)?.state;
    return { taskId, eventId, result: typeof state === 'string' ? readKieRecord(body.data as KieRecord) : null };
  }
}

/** A callback body, in either documented shape. */
interface KieCallback {
  code?: number;
  taskId?: string;
  data?: (Partial<KieRecord> & { task_id?: string }) | null;
}

/**
 * The request body. A row whose request_schema is Kie's whole body (it names `model`, or api_endpoint is
 * an API path, as in Kie's quick-start) is rendered and sent as it is; a row whose api_endpoint is a bare
 * market model name gets `{model, input}` with request_schema as extra input fields.
 */
function kieBody(req: SubmitRequest, endpoint: string, imageUrl: string | null): Record<string, unknown> {
  const callback = req.webhookUrl ? { callBackUrl: req.webhookUrl } : {};
  const full = renderFullBody(req, imageUrl, (schema) => endpoint.startsWith('/') || 'model' in schema);
  if (full) return { ...callback, ...full };
  return { model: endpoint, ...callback, input: buildNativeInput(req, imageUrl, (url) => ({ image_urls: [url] })) };
}

function call(provider: ProviderConfig, path: string, body?: unknown) {
  return {
    provider: KIE,
    url: `${(provider.baseUrl ?? KIE_DEFAULT_BASE_URL).replace(/\/+$/, '')}${path}`,
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...provider.extraHeaders, authorization: `Bearer ${provider.apiKey ?? ''}` },
    body,
    secrets: [provider.apiKey],
  };
}

function header(hook: IncomingWebhook, name: string): string {
  const v = hook.headers[name] ?? hook.headers[name.toLowerCase()];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}
