import { classifyHttpStatus, parseJsonBody, providerReason, request, requestJson } from '../http.js';
import { ProviderError } from '../errors.js';
import { buildNativeInput } from '../template/native-input.js';
import { DEFAULT_TASK_TIMEOUT_MS, defaultPollSchedule } from '../poll.js';
import type { AdapterContext, IncomingWebhook, ModelConfig, PollResult, ProviderAdapter, ProviderConfig, SubmitRequest, SubmitResult, WebhookResult } from '../adapter.js';
import { FAL, falFailure, readFalOutput, readFalWebhook, type FalStatus, type FalWebhookBody } from './fal.wire.js';
import { falPublicKeys, verifyFalWebhook } from './fal.signature.js';

export const FAL_DEFAULT_QUEUE_URL = 'https://queue.fal.run';
/** fal's storage API, where the official client uploads files (`upload_base_url` overrides it). */
export const FAL_DEFAULT_STORAGE_URL = 'https://rest.fal.ai';

/**
 * fal.ai queue API (PROTOCOLS §4): submit to the full model id, then status / result / cancel on
 * `owner/app` only. Status is 202 while queued or running and 200 once COMPLETED, failed ones included.
 */
export class FalAdapter implements ProviderAdapter {
  readonly kind = 'fal' as const;
  readonly pollSchedule = defaultPollSchedule();
  readonly timeoutMs = DEFAULT_TASK_TIMEOUT_MS;

  async submit(req: SubmitRequest, ctx: AdapterContext): Promise<SubmitResult> {
    const endpoint = modelId(req.model);
    const imageUrl = req.input ? (req.input.url ?? (await this.upload(req, ctx))) : null;
    // the image goes to image_url unless the row's request_schema puts it elsewhere (image_urls: ["{{image_url}}"])
    const input = buildNativeInput(req, imageUrl, (url) => ({ image_url: url }));
    const hook = req.webhookUrl ? `?fal_webhook=${encodeURIComponent(req.webhookUrl)}` : '';
    const { body } = await requestJson<{ request_id?: string }>(ctx, { ...this.call(req), url: `${this.base(req)}/${endpoint}${hook}`, body: input });
    if (!body?.request_id) throw new ProviderError('provider_bad_response', `${FAL} queued nothing: its answer has no request_id. Retry the generation later.`);
    return { kind: 'queued', taskId: body.request_id, result: { status: 'PROCESSING', providerState: 'IN_QUEUE' } };
  }

  async poll(taskId: string, req: SubmitRequest, ctx: AdapterContext): Promise<PollResult> {
    const requestUrl = this.requestUrl(req, taskId);
    const { body: status } = await requestJson<FalStatus>(ctx, { ...this.call(req), url: `${requestUrl}/status`, acceptStatus: (s) => s === 202 });
    if (status.status === 'IN_QUEUE' || status.status === 'IN_PROGRESS') return { status: 'PROCESSING', providerState: status.status };
    if (status.status !== 'COMPLETED') throw new ProviderError('provider_bad_response', `${FAL} reported an unknown status "${String(status.status)}".`);
    if (status.error) return { status: 'FAILED', providerState: 'COMPLETED', error: falFailure(status.error, status.error_type) };

    // Once COMPLETED, a 4xx on the result (or any answer tagged X-Fal-Error-Type) is the request's own failure.
    const res = await request(ctx, { ...this.call(req), url: requestUrl, acceptStatus: (s) => s >= 400 });
    const text = await res.text();
    const errorType = res.headers.get('x-fal-error-type');
    if (res.ok) return readFalOutput(parseJsonBody(FAL, text));
    if (errorType || (res.status < 500 && ![401, 403, 404, 429].includes(res.status))) {
      return { status: 'FAILED', providerState: 'COMPLETED', error: falFailure(providerReason(text), errorType) };
    }
    throw classifyHttpStatus(FAL, res.status, text, res.headers, ctx.now());
  }

  async cancel(taskId: string, req: SubmitRequest, ctx: AdapterContext): Promise<void> {
    const res = await request(ctx, { ...this.call(req), url: `${this.requestUrl(req, taskId)}/cancel`, method: 'PUT', acceptStatus: (s) => s === 400 });
    const { status } = parseJsonBody<{ status?: string }>(FAL, await res.text());
    // ALREADY_COMPLETED: nothing left to stop; the asset is canceled on our side all the same.
    ctx.log(`fal: cancel ${taskId}: ${status ?? res.status}`);
  }

  parseWebhook(hook: IncomingWebhook, provider: ProviderConfig): WebhookResult {
    verifyFalWebhook(hook, falPublicKeys(provider.webhookSecret));
    const body = parseJsonBody<FalWebhookBody>(FAL, hook.rawBody.toString('utf8'));
    return { taskId: body.request_id ?? null, eventId: null, result: readFalWebhook(body) };
  }

  /** Stages a parent image no public URL reaches in fal's storage, as the official client does; answers its URL. */
  private async upload(req: SubmitRequest, ctx: AdapterContext): Promise<string> {
    const input = req.input!;
    const storage = (req.provider.uploadBaseUrl ?? FAL_DEFAULT_STORAGE_URL).replace(/\/$/, '');
    const { body } = await requestJson<{ upload_url?: string; file_url?: string }>(ctx, {
      ...this.call(req),
      url: `${storage}/storage/upload/initiate?storage_type=fal-cdn-v3`,
      body: { content_type: input.mimeType, file_name: input.filename },
    });
    if (!body.upload_url || !body.file_url) throw new ProviderError('provider_bad_response', `${FAL} storage gave no upload URL for the input image; retry later.`);
    await request(ctx, { provider: FAL, url: body.upload_url, method: 'PUT', headers: { 'content-type': input.mimeType }, body: new Uint8Array(await input.read()) });
    ctx.log(`fal: staged input image at ${new URL(body.file_url).pathname}`);
    return body.file_url;
  }

  private base(req: SubmitRequest): string {
    return (req.provider.baseUrl ?? FAL_DEFAULT_QUEUE_URL).replace(/\/$/, '');
  }

  /** Status, result and cancel live under the app (`[namespace/]owner/app`), without the model's subpath. */
  private requestUrl(req: SubmitRequest, taskId: string): string {
    return `${this.base(req)}/${falAppPath(modelId(req.model))}/requests/${encodeURIComponent(taskId)}`;
  }

  private call(req: SubmitRequest) {
    return { provider: FAL, headers: { ...req.provider.extraHeaders, authorization: `Key ${req.provider.apiKey ?? ''}` }, secrets: [req.provider.apiKey] };
  }
}

/** Namespaces fal-js recognises before `owner/app` (ENDPOINT_NAMESPACES in @fal-ai/client src/utils). */
const FAL_NAMESPACES = ['workflows', 'comfy'];

/**
 * The app part of an endpoint id, as @fal-ai/client's parseEndpointId reads it: `owner/app` after an
 * optional namespace, so `workflows/acme/flow/run` → `workflows/acme/flow` and `fal-ai/flux/dev` → `fal-ai/flux`.
 */
export function falAppPath(endpointId: string): string {
  const parts = endpointId.split('/');
  const ns = FAL_NAMESPACES.includes(parts[0]) ? 1 : 0;
  if (parts.length < ns + 2) throw new ProviderError('template_invalid', `"${endpointId}" is not a fal endpoint id: it needs ${ns ? 'a namespace, ' : ''}an owner and an app, like "fal-ai/flux/dev" or "workflows/owner/app".`);
  return parts.slice(0, ns + 2).join('/');
}

function modelId(model: ModelConfig): string {
  const id = model.apiEndpoint?.replace(/^\/+|\/+$/g, '') ?? '';
  if (id.split('/').length < 2) throw new ProviderError('template_invalid', `The model "${model.name}" needs a fal model id like "fal-ai/flux/dev" in api_endpoint.`);
  return id;
}

