import { classifyHttpStatus, parseJsonBody, request } from '../http.js';
import { activeParams, renderExtraInput } from '../template/native-input.js';
import { ProviderError } from '../errors.js';
import { DEFAULT_TASK_TIMEOUT_MS, defaultPollSchedule } from '../poll.js';
import type { AdapterContext, PollResult, ProviderAdapter, ProviderOutput, SubmitRequest, SubmitResult } from '../adapter.js';

export const OPENAI = 'OpenAI';
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** gpt-image-1 can take a minute or more for a high-quality image. */
const GENERATE_TIMEOUT_MS = 180_000;

interface ImagesResponse {
  created?: number;
  data?: { b64_json?: string | null; url?: string | null; revised_prompt?: string | null }[];
  output_format?: string;
}

interface OpenAIErrorBody {
  error?: { message?: string; type?: string; param?: string | null; code?: string | null };
}

/**
 * OpenAI images API (PROTOCOLS §6), synchronous: `images/generations` for text, `images/edits`
 * (multipart, the image inline) when there is a parent image. GPT image models answer `b64_json` bytes.
 */
export class OpenAIAdapter implements ProviderAdapter {
  readonly kind = 'openai' as const;
  // Never polled: every call finishes in submit. Kept for the contract.
  readonly pollSchedule = defaultPollSchedule();
  readonly timeoutMs = DEFAULT_TASK_TIMEOUT_MS;

  async submit(req: SubmitRequest, ctx: AdapterContext): Promise<SubmitResult> {
    if (req.model.modelType !== 'IMAGE') throw new ProviderError('template_invalid', `${OPENAI}'s images API makes images only: set the model "${req.model.name}" to IMAGE.`);
    const model = req.model.apiEndpoint ?? 'gpt-image-1';
    const fields: Record<string, unknown> = { model, prompt: req.prompt, n: 1, ...renderExtraInput(req), ...activeParams(req) };
    // dall-e models answer a temporary URL unless asked for bytes; GPT image models always send bytes.
    if (model.startsWith('dall-e')) fields.response_format ??= 'b64_json';

    const base = (req.provider.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/$/, '');
    let url = `${base}/images/generations`;
    let body: unknown = fields;
    if (req.input) {
      url = `${base}/images/edits`;
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) form.set(k, String(v));
      form.set('image', new Blob([new Uint8Array(await req.input.read())], { type: req.input.mimeType }), req.input.filename);
      body = form;
    }

    const res = await request(ctx, {
      provider: OPENAI,
      url,
      body,
      headers: { ...req.provider.extraHeaders, authorization: `Bearer ${req.provider.apiKey ?? ''}` },
      timeoutMs: GENERATE_TIMEOUT_MS,
      acceptStatus: (s) => s >= 400 && s < 500 && s !== 429,
      secrets: [req.provider.apiKey],
    });
    const text = maskKeys(await res.text());
    if (!res.ok) throw openAIError(res.status, text, res.headers, ctx.now());
    const answer = parseJsonBody<ImagesResponse>(OPENAI, text);
    return { kind: 'finished', result: readImages(answer, String(fields.output_format ?? answer.output_format ?? 'png')) };
  }

  async poll(): Promise<PollResult> {
    throw new ProviderError('provider_not_found', `${OPENAI} images finish in one call; there is no task to poll.`);
  }
}

function readImages(answer: ImagesResponse, format: string): PollResult {
  const outputs: ProviderOutput[] = (answer.data ?? []).flatMap((d): ProviderOutput[] => {
    if (d.b64_json) return [{ bytes: Buffer.from(d.b64_json, 'base64'), mimeType: `image/${format === 'jpg' ? 'jpeg' : format}` }];
    if (d.url) return [{ url: d.url }];
    return [];
  });
  if (outputs.length === 0) throw new ProviderError('provider_bad_response', `${OPENAI} answered without an image (no b64_json or url in data); retry the generation later.`);
  return { status: 'COMPLETED', providerState: 'completed', outputs };
}

/** A 4xx in OpenAI's `{error:{message,type,param,code}}` envelope; a safety refusal is content-filtered, not a bad request. */
function openAIError(status: number, text: string, headers: Headers, now: number): ProviderError {
  let body: OpenAIErrorBody = {};
  try {
    body = JSON.parse(text) as OpenAIErrorBody;
  } catch {
    // Not the usual envelope: the shared table reads the text as it is.
  }
  const e = body.error;
  if (e?.code === 'content_policy_violation' || e?.type === 'image_generation_user_error') {
    return new ProviderError('provider_content_filtered', `${OPENAI} refused the content (${status}): "${e.message ?? e.code}": change the prompt or the input image.`);
  }
  const param = e?.param ? ` (parameter ${e.param})` : '';
  return classifyHttpStatus(OPENAI, status, e?.message ? JSON.stringify({ message: `${e.message}${param}` }) : text, headers, now);
}

/** OpenAI echoes part of a wrong key ("Incorrect API key provided: sk-ab***wxyz"): keep even that out of messages. */
function maskKeys(text: string): string {
  return text.replace(/\b(sk|pk|org)-[\w*-]{4,}/g, '$1-…');
}

