import { classifyHttpStatus, parseJsonBody, request, type ProviderCall } from '../http.js';
import { ProviderError } from '../errors.js';
import { activeParams, renderExtraInput } from '../template/native-input.js';
import { DEFAULT_TASK_TIMEOUT_MS, defaultPollSchedule } from '../poll.js';
import type { AdapterContext, PollResult, ProviderAdapter, SubmitRequest, SubmitResult } from '../adapter.js';
import { fitForImageToVideo, mediaTypeOf, readStabilityResult, STABILITY, type StabilityErrorBody, type StabilityJsonResult } from './stability.wire.js';

export const STABILITY_DEFAULT_BASE_URL = 'https://api.stability.ai';
const IMAGE_TO_VIDEO_PATH = '/v2beta/image-to-video';
const GENERATE_TIMEOUT_MS = 120_000;
/** Stability may rate-limit polls more often than every 10 s (PROTOCOLS §5.2). */
const VIDEO_POLL_INTERVAL_MS = 10_000;

/**
 * Stability AI v2beta (PROTOCOLS §5): multipart requests with `accept: application/json`.
 * Images come back at once as base64; image-to-video answers an id polled on its result endpoint
 * (202 while in progress, 200 when done). Stability takes bytes, never URLs, so the parent image is always sent inline.
 */
export class StabilityAdapter implements ProviderAdapter {
  readonly kind = 'stability' as const;
  readonly timeoutMs = DEFAULT_TASK_TIMEOUT_MS;
  private readonly stepped = defaultPollSchedule();
  readonly pollSchedule = (attempt: number, elapsedMs: number) => Math.max(VIDEO_POLL_INTERVAL_MS, this.stepped(attempt, elapsedMs));

  async submit(req: SubmitRequest, ctx: AdapterContext): Promise<SubmitResult> {
    const fields = { ...renderExtraInput(req), ...activeParams(req) };
    if (req.model.modelType === 'VIDEO') {
      if (!req.input) throw new ProviderError('missing_input_image', `${STABILITY} image-to-video needs a parent image: pick an image to animate.`);
      const form = formOf(fields);
      form.set('image', new Blob([new Uint8Array(await fitForImageToVideo(req.input))], { type: 'image/png' }), 'image.png');
      const res = await this.send(req, ctx, { url: this.url(req, req.model.apiEndpoint ?? IMAGE_TO_VIDEO_PATH), body: form });
      const { id } = parseJsonBody<{ id?: string }>(STABILITY, await res.text());
      if (!id) throw new ProviderError('provider_bad_response', `${STABILITY} accepted the video request but sent back no generation id; retry later.`);
      return { kind: 'queued', taskId: id, result: { status: 'PROCESSING', providerState: 'in-progress' } };
    }

    const path = generatePath(req.model.apiEndpoint);
    const form = formOf({ prompt: req.prompt, ...fields });
    if (req.input) {
      form.set('image', new Blob([new Uint8Array(await req.input.read())], { type: req.input.mimeType }), req.input.filename);
      if (path.endsWith('/sd3')) {
        // SD3 image-to-image takes strength (required) and no aspect_ratio: the image sets the size.
        if (!form.has('strength')) throw new ProviderError('template_invalid', `${STABILITY} SD3 image-to-image needs a strength (0 to 1): give the model "${req.model.name}" a strength parameter.`);
        form.set('mode', 'image-to-image');
        form.delete('aspect_ratio');
      }
    }
    const res = await this.send(req, ctx, { url: this.url(req, path), body: form, timeoutMs: GENERATE_TIMEOUT_MS });
    const body = parseJsonBody<StabilityJsonResult>(STABILITY, await res.text());
    const format = String(fields.output_format ?? 'png');
    return { kind: 'finished', result: readStabilityResult(body, mediaTypeOf(res.headers.get('content-type'), `image/${format}`)) };
  }

  async poll(taskId: string, req: SubmitRequest, ctx: AdapterContext): Promise<PollResult> {
    const res = await this.send(req, ctx, { url: this.url(req, `${IMAGE_TO_VIDEO_PATH}/result/${encodeURIComponent(taskId)}`), method: 'GET' }, (s) => s === 202 || s === 404);
    const text = await res.text();
    if (res.status === 202) return { status: 'PROCESSING', providerState: 'in-progress' };
    if (res.status === 404) {
      throw new ProviderError('result_expired', `${STABILITY} no longer has this video (404: "${parseJsonBody<StabilityErrorBody>(STABILITY, text).errors?.join('; ') ?? 'not found'}"). Results are kept 24 h and only for the key that started them: generate it again.`);
    }
    return readStabilityResult(parseJsonBody<StabilityJsonResult>(STABILITY, text), 'video/mp4');
  }

  private url(req: SubmitRequest, path: string): string {
    return `${(req.provider.baseUrl ?? STABILITY_DEFAULT_BASE_URL).replace(/\/$/, '')}${path}`;
  }

  /** One call; a 403 is read here because Stability uses it both for a bad key and for content moderation. */
  private async send(req: SubmitRequest, ctx: AdapterContext, call: Omit<ProviderCall, 'provider'>, accept?: (s: number) => boolean): Promise<Response> {
    const res = await request(ctx, {
      provider: STABILITY,
      ...call,
      headers: { ...req.provider.extraHeaders, authorization: `Bearer ${req.provider.apiKey ?? ''}`, accept: 'application/json' },
      acceptStatus: (s) => s === 403 || !!accept?.(s),
      secrets: [req.provider.apiKey],
    });
    if (res.status !== 403) return res;
    const text = await res.text();
    const body = safeJson<StabilityErrorBody>(text);
    if (body?.name === 'content_moderation') {
      throw new ProviderError('provider_content_filtered', `${STABILITY} refused the content (403 content_moderation: "${body.errors?.join('; ') ?? ''}"); you were not charged. Change the prompt or the input image.`);
    }
    throw classifyHttpStatus(STABILITY, 403, text, res.headers, ctx.now());
  }
}

/** "core" → /v2beta/stable-image/generate/core; a full path is kept as it is. */
function generatePath(endpoint: string | null): string {
  if (!endpoint) return '/v2beta/stable-image/generate/core';
  return endpoint.startsWith('/') ? endpoint : `/v2beta/stable-image/generate/${endpoint}`;
}

function formOf(fields: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null && v !== '') form.set(k, String(v));
  return form;
}


function safeJson<T>(text: string): T | null {
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
