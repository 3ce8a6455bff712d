import type { PollResult, ProviderFailure, ProviderOutput } from '../adapter.js';
import { looksContentFiltered, providerReason } from '../http.js';

export const FAL = 'fal.ai';

/** Status answers (PROTOCOLS §4.3); `error` / `error_type` appear on a failed COMPLETED request. */
export interface FalStatus {
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | string;
  request_id?: string;
  queue_position?: number;
  error?: string | null;
  error_type?: string | null;
}

/** The completion callback body (PROTOCOLS §4.5). */
export interface FalWebhookBody {
  request_id?: string;
  gateway_request_id?: string;
  status?: 'OK' | 'ERROR' | string;
  error?: string;
  payload?: unknown;
  payload_error?: string;
}

interface FalFile {
  url?: string;
  content_type?: string;
}

/** Media files in a model's output: `images[]`, `image`, `video`, `videos[]` hold `{url, content_type}`. */
export function falOutputs(payload: unknown): ProviderOutput[] {
  if (!payload || typeof payload !== 'object') return [];
  const o = payload as Record<string, unknown>;
  const files = ['images', 'image', 'video', 'videos'].flatMap((k) => (Array.isArray(o[k]) ? (o[k] as FalFile[]) : o[k] ? [o[k] as FalFile] : []));
  return files.filter((f) => typeof f?.url === 'string').map((f) => (f.content_type ? { url: f.url!, mimeType: f.content_type } : { url: f.url! }));
}

/** A finished model output as a PollResult; fal's safety checker marks refused images in `has_nsfw_concepts`. */
export function readFalOutput(payload: unknown): PollResult {
  const nsfw = (payload as { has_nsfw_concepts?: unknown } | null)?.has_nsfw_concepts;
  if (Array.isArray(nsfw) && nsfw.length > 0 && nsfw.every(Boolean)) {
    return { status: 'FAILED', providerState: 'COMPLETED', error: { code: 'provider_content_filtered', message: `${FAL}'s safety checker flagged the result (has_nsfw_concepts): change the prompt or the input image.` } };
  }
  const outputs = falOutputs(payload);
  if (outputs.length === 0) {
    return { status: 'FAILED', providerState: 'COMPLETED', error: { code: 'provider_bad_response', message: `${FAL} finished without an image or video in its output.` } };
  }
  return { status: 'COMPLETED', providerState: 'COMPLETED', outputs };
}

/** A request that ran and failed, keeping fal's own words (`error`, `detail`) and its error type. */
export function falFailure(reason: string, errorType?: string | null): ProviderFailure {
  const said = `"${reason || 'no reason given'}"${errorType ? ` (${errorType})` : ''}`;
  if (looksContentFiltered(reason)) return { code: 'provider_content_filtered', message: `${FAL} refused the content: ${said}: change the prompt or the input image.` };
  if (/field required|value_error|validation|invalid/i.test(reason)) return { code: 'provider_invalid_params', message: `${FAL} refused the input: ${said}: change the generation settings or the model's request template.` };
  return { code: 'provider_task_failed', message: `${FAL} could not finish the request: ${said}.` };
}

/** The callback body as a PollResult, or null when fal could not serialise the payload (then poll for it). */
export function readFalWebhook(body: FalWebhookBody): PollResult | null {
  if (body.status === 'ERROR') {
    const detail = providerReason(JSON.stringify(body.payload ?? ''));
    return { status: 'FAILED', providerState: 'ERROR', error: falFailure([body.error, detail].filter(Boolean).join(': ')) };
  }
  if (body.payload == null) return null;
  return readFalOutput(body.payload);
}
