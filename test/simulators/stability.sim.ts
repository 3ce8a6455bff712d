import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { FaultQueue, QUICK_SUCCESS, RateWindow, retryAfterSeconds, ScriptedTask, sample, startSimServer, type SimReply, type SimRequest, type TaskScript } from './shared/index.js';
import { parseMultipart, type MultipartBody } from './stability/multipart.js';

/** A TaskScript plus the HTTP error a failure answers with (e.g. 403 content_moderation, 422, 500). */
export type StabilityScript = TaskScript & { failStatus?: number; failName?: string };

export interface StabilitySimOptions {
  apiKey?: string;
  script?: StabilityScript;
  /** How long a finished video stays fetchable (24 h on Stability). */
  resultTtlMs?: number;
  /** Requests allowed per window before 429 (Stability: 150 per 10 s, every endpoint). */
  rateLimit?: { max: number; windowMs: number };
  now?: () => number;
  port?: number;
}

const ENGINES = ['ultra', 'core', 'sd3'];
/** The `model` values the sd3 endpoint takes today: SD 3.0 (sd3-large, sd3-large-turbo, sd3-medium) is retired. */
const SD3_MODELS = ['sd3.5-large', 'sd3.5-large-turbo', 'sd3.5-medium', 'sd3.5-flash'];
const STYLE_PRESETS = ['enhance', 'anime', 'photographic', 'digital-art', 'comic-book', 'fantasy-art', 'line-art', 'analog-film', 'neon-punk', 'isometric', 'low-poly', 'origami', 'modeling-compound', 'cinematic', '3d-model', 'pixel-art', 'tile-texture'];
const ASPECT_RATIOS = ['21:9', '16:9', '3:2', '5:4', '1:1', '4:5', '2:3', '9:16', '9:21'];
const FORMATS = ['png', 'jpeg', 'webp'];
const VIDEO_SIZES = ['1024x576', '576x1024', '768x768'];

interface VideoJob {
  scripted: ScriptedTask;
  apiKey: string;
  finishedAt: number | null;
}

const error = (status: number, name: string, ...errors: string[]): SimReply => ({ status, body: { id: randomBytes(16).toString('hex'), name, errors } });

/**
 * Stability AI v2beta simulator (PROTOCOLS §5): multipart generate endpoints answering raw bytes or
 * base64 JSON by `accept`, and async image-to-video polled with 202 / 200 on its result endpoint.
 */
export async function startStabilitySimulator(options: StabilitySimOptions = {}) {
  const apiKey = options.apiKey ?? 'sk-stability-test';
  const now = options.now ?? Date.now;
  const faults = new FaultQueue();
  const nextScripts: StabilityScript[] = [];
  const videos = new Map<string, VideoJob>();
  /** Every multipart body received, for tests to check what was sent. */
  const received: MultipartBody[] = [];
  const takeScript = () => nextScripts.shift() ?? options.script ?? QUICK_SUCCESS;

  const failureReply = (s: StabilityScript) => error(s.failStatus ?? 422, s.failName ?? 'invalid_prompt', s.failMessage ?? 'The request was rejected.');

  /** The media in the form `accept` asks for: base64 JSON, or raw bytes with finish-reason and seed headers. */
  const media = (req: SimRequest, kind: 'image' | 'video', bytes: Buffer, mimeType: string, finishReason: string): SimReply => {
    if (String(req.headers.accept ?? '').includes('application/json')) {
      return { status: 200, headers: { 'content-type': `application/json; type=${mimeType}` }, body: { [kind]: bytes.toString('base64'), finish_reason: finishReason, seed: kind === 'image' ? 343940597 : 0 } };
    }
    return { status: 200, headers: { 'content-type': mimeType, 'finish-reason': finishReason, seed: '343940597', 'x-request-id': randomBytes(8).toString('hex') }, body: bytes };
  };

  const generate = async (req: SimRequest, engine: string): Promise<SimReply> => {
    const form = await parseMultipart(req);
    if (!form) return error(400, 'bad_request', 'content-type: must be multipart/form-data');
    received.push(form);
    const f = form.fields;
    if (!f.prompt) return error(400, 'bad_request', 'prompt: is required');
    if (f.aspect_ratio && !ASPECT_RATIOS.includes(f.aspect_ratio)) return error(400, 'bad_request', `aspect_ratio: must be one of ${ASPECT_RATIOS.join(', ')}`);
    const format = f.output_format ?? 'png';
    if (!FORMATS.includes(format)) return error(400, 'bad_request', 'output_format: must be one of png, jpeg, webp');
    if (f.style_preset && !STYLE_PRESETS.includes(f.style_preset)) return error(400, 'bad_request', `style_preset: must be one of ${STYLE_PRESETS.join(', ')}`);
    if (f.seed !== undefined && !(/^\d+$/.test(f.seed) && Number(f.seed) <= 4294967294)) return error(400, 'bad_request', 'seed: must be an integer from 0 to 4294967294');
    if (engine === 'sd3') {
      if (f.model && !SD3_MODELS.includes(f.model)) return error(400, 'bad_request', `model: must be one of ${SD3_MODELS.join(', ')}`);
      const mode = f.mode ?? 'text-to-image';
      if (!['text-to-image', 'image-to-image'].includes(mode)) return error(400, 'bad_request', 'mode: must be one of text-to-image, image-to-image');
      if (mode === 'image-to-image') {
        if (!form.files.image) return error(400, 'bad_request', 'image: is required when mode is image-to-image');
        if (f.strength === undefined) return error(400, 'bad_request', 'strength: is required when mode is image-to-image');
        if (f.aspect_ratio) return error(400, 'bad_request', 'aspect_ratio: is not allowed when mode is image-to-image');
      } else if (form.files.image) return error(400, 'bad_request', 'image: is only allowed when mode is image-to-image');
    }
    if (f.strength !== undefined && !(Number(f.strength) >= 0 && Number(f.strength) <= 1)) return error(400, 'bad_request', 'strength: must be a number from 0 to 1');
    const script = takeScript();
    if (script.outcome === 'failed') return failureReply(script);
    const png = sample('png').bytes;
    const bytes = format === 'png' ? png : await sharp(png).toFormat(format as 'jpeg' | 'webp').toBuffer();
    return media(req, 'image', bytes, `image/${format}`, script.outcome === 'filtered' ? 'CONTENT_FILTERED' : 'SUCCESS');
  };

  const imageToVideo = async (req: SimRequest, key: string): Promise<SimReply> => {
    const form = await parseMultipart(req);
    if (!form) return error(400, 'bad_request', 'content-type: must be multipart/form-data');
    received.push(form);
    const image = form.files.image;
    if (!image) return error(400, 'bad_request', 'image: is required');
    const meta = await sharp(image.bytes).metadata().catch(() => null);
    if (!meta || !['png', 'jpeg'].includes(meta.format ?? '')) return error(400, 'bad_request', 'image: must be a jpeg or png');
    if (!VIDEO_SIZES.includes(`${meta.width}x${meta.height}`)) return error(400, 'bad_request', `image: dimensions must be one of ${VIDEO_SIZES.join(', ')}; got ${meta.width}x${meta.height}`);
    const id = randomBytes(32).toString('hex');
    const job: VideoJob = { apiKey: key, finishedAt: null, scripted: new ScriptedTask(id, takeScript(), now, () => (job.finishedAt = now())) };
    videos.set(id, job);
    return { status: 200, body: { id } };
  };

  const videoResult = (req: SimRequest, id: string, key: string): SimReply => {
    const job = videos.get(id);
    // A wrong id, an expired result and another key's result all look the same (PROTOCOLS §5.2).
    const expired = job?.finishedAt != null && options.resultTtlMs !== undefined && now() - job.finishedAt >= options.resultTtlMs;
    if (!job || job.apiKey !== key || expired) return error(404, 'not_found', `generation ${id} not found`);
    const phase = job.scripted.observe();
    if (phase === 'queued' || phase === 'running') return { status: 202, body: { id, status: 'in-progress' } };
    if (phase === 'failed') return failureReply(job.scripted.script as StabilityScript);
    return media(req, 'video', sample('mp4').bytes, 'video/mp4', phase === 'filtered' ? 'CONTENT_FILTERED' : 'SUCCESS');
  };

  const limit = options.rateLimit ?? { max: 150, windowMs: 10_000 };
  const requests = new RateWindow(limit.max, limit.windowMs, now);

  const handle = async (req: SimRequest): Promise<SimReply> => {
    const fault = faults.take(req);
    if (fault) return fault;
    const rate = requests.take();
    if (!rate.ok) return { ...error(429, 'rate_limit_exceeded', `You have exceeded the rate limit of ${limit.max} requests within a ${limit.windowMs / 1000} second period.`), headers: { 'retry-after': retryAfterSeconds(rate.retryAfterMs) } };
    const key = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!key || key !== apiKey) return error(401, 'unauthorized', 'authorization: missing or invalid API key');
    // the account's credit balance (the call a key check makes)
    if (req.method === 'GET' && req.path === '/v1/user/balance') return { status: 200, body: { credits: 42.5 } };
    const gen = /^\/v2beta\/stable-image\/generate\/([a-z0-9]+)$/.exec(req.path);
    if (req.method === 'POST' && gen && ENGINES.includes(gen[1])) return generate(req, gen[1]);
    if (req.method === 'POST' && req.path === '/v2beta/image-to-video') return imageToVideo(req, key);
    const result = /^\/v2beta\/image-to-video\/result\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && result) return videoResult(req, result[1], key);
    return error(404, 'not_found', `${req.method} ${req.path} does not exist`);
  };

  const http = await startSimServer(handle, options.port);
  return {
    url: http.url,
    apiKey,
    log: http.log,
    faults,
    received,
    videos,
    queueScript: (...scripts: StabilityScript[]) => nextScripts.push(...scripts),
    close: () => http.close(),
  };
}

export type StabilitySimulator = Awaited<ReturnType<typeof startStabilitySimulator>>;
