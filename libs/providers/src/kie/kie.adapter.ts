import type { AdapterContext, IncomingWebhook, ModelConfig, PollResult, ProviderAdapter, ProviderConfig, SubmitRequest, SubmitResult, WebhookResult } from '../adapter.js';
import { ProviderError } from '../errors.js';
import { parseJsonBody, requestJson } from '../http.js';
import { DEFAULT_TASK_TIMEOUT_MS, defaultPollSchedule } from '../poll.js';
import { buildNativeInput } from '../template/native-input.js';
import { stageKieFile } from './kie.upload.js';
import { KIE, KIE_DEFAULT_BASE_URL, checkKieEnvelope, readKieRecord, verifyKieSignature, type KieEnvelope, type KieRecord } from './kie.wire.js';

/**
 * Kie.ai market jobs: createTask, then recordInfo polls and/or a signed callback.
 * The model row's api_endpoint is Kie's `model` string (e.g. "bytedance/seedance-1.5-pro").
 * Kie has no cancel endpoint: a canceled asset simply stops being polled.
 */
export class KieAdapter implements ProviderAdapter {
  readonly kind = 'kie' as const;
  readonly pollSchedule = defaultPollSchedule();
  readonly timeoutMs = DEFAULT_TASK_TIMEOUT_MS;

  /** requestTimeoutMs: how long one HTTP call may take before it is a retryable provider_timeout. */
  constructor(private readonly options: { requestTimeoutMs?: number } = {}) {}

  async submit(req: SubmitRequest, ctx: AdapterContext): Promise<SubmitResult> {
    const model = req.model.apiEndpoint?.trim();
    if (!model) throw new ProviderError('template_invalid', `The model "${req.model.name}" has no api_endpoint: set it to the Kie.ai model name (e.g. bytedance/seedance-1.5-pro).`);
    let imageUrl: string | null = null;
    if (req.input) imageUrl = req.input.url ?? (await stageKieFile(req.input, req.assetId, req.provider, ctx));
    else if (req.model.inputType === 'IMAGE') throw new ProviderError('missing_input_image', `"${req.model.name}" starts from an image: pick an image as the parent asset.`);
    const body = {
      model,
      ...(req.webhookUrl ? { callBackUrl: req.webhookUrl } : {}),
      input: buildNativeInput(req, imageUrl, (url) => ({ image_urls: [url] })),
    };
    const answer = await requestJson<KieEnvelope<{ taskId?: string }>>(ctx, { ...call(req.provider, '/api/v1/jobs/createTask', body), timeoutMs: this.options.requestTimeoutMs });
    const data = checkKieEnvelope(answer.body, 'creating the task');
    if (!data.taskId) throw new ProviderError('provider_bad_response', `${KIE} accepted the task but sent no taskId; retry later.`);
    return { kind: 'queued', taskId: data.taskId };
  }

  async poll(taskId: string, req: SubmitRequest, ctx: AdapterContext): Promise<PollResult> {
    const answer = await requestJson<KieEnvelope<KieRecord>>(ctx, { ...call(req.provider, `/api/v1/jobs/recordInfo?taskId=${encodeURIComponent(taskId)}`), timeoutMs: this.options.requestTimeoutMs });
    return readKieRecord(checkKieEnvelope(answer.body, 'reading the task'));
  }

  /**
   * Verifies X-Webhook-Signature over `taskId.timestamp` when the provider has a webhook secret.
   * Without one the body cannot be trusted, so only the task id comes back: the caller polls to reconcile.
   */
  parseWebhook(hook: IncomingWebhook, provider: ProviderConfig, _model: ModelConfig): WebhookResult {
    const body = parseJsonBody<{ code?: number; data?: KieRecord }>(KIE, hook.rawBody.toString('utf8'));
    const taskId = body?.data?.taskId ?? null;
    if (!taskId) throw new ProviderError('provider_bad_response', `${KIE} sent a callback without data.taskId.`);
    if (!provider.webhookSecret) return { taskId, eventId: null, result: null };
    verifyKieSignature(provider.webhookSecret, taskId, header(hook, 'x-webhook-timestamp'), header(hook, 'x-webhook-signature'), Date.now());
    // The failure callback carries code 501 too; data.state is what decides.
    return { taskId, eventId: `${taskId}:${header(hook, 'x-webhook-timestamp')}`, result: readKieRecord(body.data!) };
  }
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
