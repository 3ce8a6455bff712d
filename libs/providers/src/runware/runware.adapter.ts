import { randomUUID } from 'node:crypto';
import { placeholdersOf } from '../template/render.js';
import { activeParams, renderExtraInput } from '../template/native-input.js';
import { requestJson, parseJsonBody } from '../http.js';
import { ProviderError } from '../errors.js';
import { DEFAULT_TASK_TIMEOUT_MS, defaultPollSchedule } from '../poll.js';
import type { AdapterContext, IncomingWebhook, PollResult, ProviderAdapter, SubmitRequest, SubmitResult, WebhookResult } from '../adapter.js';
import { RUNWARE, readRunwareTask, runwareError, type RunwareAnswer, type RunwareItem } from './runware.wire.js';

export const RUNWARE_DEFAULT_BASE_URL = 'https://api.runware.ai/v1';
/**
 * The parent image as the first frame, in `inputs.frameImages[{image, frame}]` (runware.ai/docs/models/*:
 * the older top-level `frameImages[{inputImage}]` is refused), after any frames the row's request_schema adds.
 */
function withFrameImage(inputs: unknown, image: string | null): { inputs?: Record<string, unknown> } {
  const base = inputs && typeof inputs === 'object' ? (inputs as Record<string, unknown>) : undefined;
  if (!image) return base ? { inputs: base } : {};
  const frames = Array.isArray(base?.frameImages) ? (base.frameImages as unknown[]) : [];
  return { inputs: { ...base, frameImages: [{ image, frame: 'first' }, ...frames] } };
}

/** Sync imageInference holds the connection while the image renders. */
const IMAGE_INFERENCE_TIMEOUT_MS = 120_000;

/**
 * Runware's array protocol over HTTP (PROTOCOLS §3): every call is a POST of task objects to one URL.
 * Images are sync `imageInference`; videos are `videoInference` with deliveryMethod async, then `getResponse` polls.
 */
export class RunwareAdapter implements ProviderAdapter {
  readonly kind = 'runware' as const;
  readonly pollSchedule = defaultPollSchedule();
  readonly timeoutMs = DEFAULT_TASK_TIMEOUT_MS;

  async submit(req: SubmitRequest, ctx: AdapterContext): Promise<SubmitResult> {
    const taskUUID = randomUUID();
    const model = req.model.apiEndpoint;
    if (!model) throw new ProviderError('template_invalid', `The model "${req.model.name}" has no Runware model id (api_endpoint, e.g. "runware:101@1").`);
    // request_schema places parameters where Runware wants them (e.g. providerSettings.vidu.bgm =
    // "{{bgm}}"); parameters it does not place go at the top level of the task
    const placed = new Set(placeholdersOf(req.model.requestSchema ?? {}));
    const loose = Object.fromEntries(Object.entries(activeParams(req)).filter(([name]) => !placed.has(name)));
    const rendered = renderExtraInput(req);
    const common: Record<string, unknown> = { taskUUID, model, positivePrompt: req.prompt, numberResults: 1, includeCost: true, ...rendered, ...loose };
    const image = req.input ? await this.stageImage(req, ctx) : null;

    if (req.model.modelType === 'IMAGE') {
      const task = { taskType: 'imageInference', outputType: 'URL', ...common, ...(image ? { seedImage: image } : {}) };
      const answer = await this.send(req, ctx, [task], IMAGE_INFERENCE_TIMEOUT_MS);
      return { kind: 'finished', result: readRunwareTask(answer, taskUUID) };
    }

    const task = {
      taskType: 'videoInference',
      outputType: 'URL',
      deliveryMethod: 'async',
      ...common,
      ...withFrameImage(common.inputs, image),
      ...(req.webhookUrl ? { webhookURL: req.webhookUrl } : {}),
    };
    const answer = await this.send(req, ctx, [task]);
    const refused = answer.errors?.find((e) => !e.taskUUID || e.taskUUID === taskUUID);
    if (refused) throw runwareError(refused);
    return { kind: 'queued', taskId: taskUUID, result: { status: 'PROCESSING', providerState: 'processing' } };
  }

  async poll(taskId: string, req: SubmitRequest, ctx: AdapterContext): Promise<PollResult> {
    const answer = await this.send(req, ctx, [{ taskType: 'getResponse', taskUUID: taskId }]);
    return readRunwareTask(answer, taskId);
  }

  /**
   * Runware signs no webhook (PROTOCOLS §3.7): anyone could post a "success" with any video URL. So a
   * callback only names its task (`result: null`) and the caller confirms by polling getResponse before
   * anything is stored. Both the `data`-wrapped and the flat body are read.
   */
  parseWebhook(hook: IncomingWebhook): WebhookResult {
    const body = parseJsonBody<RunwareAnswer & Partial<RunwareItem>>(RUNWARE, hook.rawBody.toString('utf8'));
    const answer: RunwareAnswer = body.data || body.errors ? body : { data: body.taskUUID ? [body as RunwareItem] : [] };
    const taskId = answer.data?.[0]?.taskUUID ?? answer.errors?.[0]?.taskUUID ?? null;
    return { taskId, eventId: null, result: null };
  }

  /** The input image as something Runware accepts: its URL when reachable, else the UUID of an `imageUpload`. */
  private async stageImage(req: SubmitRequest, ctx: AdapterContext): Promise<string> {
    const input = req.input!;
    if (input.url) return input.url;
    const taskUUID = randomUUID();
    const bytes = await input.read();
    const image = `data:${input.mimeType};base64,${bytes.toString('base64')}`;
    const answer = await this.send(req, ctx, [{ taskType: 'imageUpload', taskUUID, image }]);
    const refused = answer.errors?.[0];
    if (refused) throw runwareError(refused);
    const uploaded = answer.data?.find((d) => d.taskUUID === taskUUID)?.imageUUID;
    if (!uploaded) throw new ProviderError('provider_bad_response', `${RUNWARE} accepted the input image but sent back no imageUUID; retry the generation later.`);
    ctx.log(`runware: staged input image as ${uploaded}`);
    return uploaded;
  }

  /** One POST of a task array. A 400 carries Runware's own `errors` array, which we read ourselves. */
  private async send(req: SubmitRequest, ctx: AdapterContext, tasks: object[], timeoutMs?: number): Promise<RunwareAnswer> {
    const { status, body } = await requestJson<RunwareAnswer>(ctx, {
      provider: RUNWARE,
      url: req.provider.baseUrl ?? RUNWARE_DEFAULT_BASE_URL,
      headers: { ...req.provider.extraHeaders, authorization: `Bearer ${req.provider.apiKey ?? ''}` },
      body: tasks,
      timeoutMs,
      acceptStatus: (s) => s === 400,
      secrets: [req.provider.apiKey],
    });
    if (!body || typeof body !== 'object' || (!Array.isArray(body.data) && !Array.isArray(body.errors))) {
      throw new ProviderError('provider_bad_response', `${RUNWARE} answered without a "data" or "errors" array; retry the generation later.`);
    }
    if (status === 400 && body.errors?.length) throw runwareError(body.errors[0]);
    return body;
  }
}

