import sharp from 'sharp';
import type { AdapterContext, PollResult, ProviderAdapter, ProviderOutput, SubmitRequest, SubmitResult } from '../adapter.js';
import { ProviderError } from '../errors.js';
import { InvalidMediaError, probeImage } from '@genbox/media';
import { fixedPollSchedule } from '../poll.js';
import { animateStill, type RawPicture } from './animate-still.js';
import { backgroundPixels } from './background-art.js';
import { captionLayer } from './caption-layer.js';
import { frameSize, type FrameSize } from './frame-size.js';
import { isMotion, SOURCE_SCALE, type Motion } from './motion.js';
import { paced } from './paced.js';
import { renderPromptImage } from './render-image.js';
import { seededRandom } from './seeded-random.js';

export interface LocalAdapterOptions {
  /** How long a run stays PROCESSING at least, so a person sees it (ms; default 2000, near 0 in tests). */
  delayMs?: number;
  /** Frames per second of the videos (default 24). */
  fps?: number;
}

const MAX_DURATION_S = 10;

/**
 * The built-in provider: renders real images and videos on this machine's CPU, with no keys and
 * no network. Every run finishes inside submit().
 */
export class LocalAdapter implements ProviderAdapter {
  readonly kind = 'local' as const;
  /** Never used: submit() always finishes. */
  readonly pollSchedule = fixedPollSchedule(1000);
  readonly timeoutMs = 5 * 60_000;
  private readonly delayMs: number;
  private readonly fps: number;

  constructor(opts: LocalAdapterOptions = {}) {
    this.delayMs = opts.delayMs ?? 2000;
    this.fps = opts.fps ?? 24;
  }

  async submit(req: SubmitRequest, ctx: AdapterContext): Promise<SubmitResult> {
    ctx.signal.throwIfAborted();
    const output = await paced((signal) => this.render(req, signal), { delayMs: this.delayMs, progress: ctx.progress, signal: ctx.signal });
    ctx.progress?.(100);
    const result: PollResult = { status: 'COMPLETED', providerState: 'succeeded', progress: 100, outputs: [output] };
    return { kind: 'finished', result };
  }

  poll(): Promise<PollResult> {
    return Promise.reject(new ProviderError('provider_not_found', 'The local provider finishes every run when it is submitted: there is no task to poll.'));
  }

  private async render(req: SubmitRequest, signal: AbortSignal): Promise<ProviderOutput> {
    const { modelType, inputType } = req.model;
    const seed = seedOf(req);
    if (inputType === 'IMAGE') {
      const parent = await readParent(req);
      if (modelType === 'VIDEO') return { bytes: await this.animateParent(parent, req.params, signal), mimeType: 'video/mp4' };
      const size = frameSize(req.params, parent.width / parent.height);
      const caption = await captionLayer(req.prompt, seed, size.width, size.height);
      const bytes = await sharp(parent.bytes, { animated: false }).rotate().resize(size.width, size.height, { fit: 'cover' }).composite([{ input: caption }]).png().toBuffer();
      return { bytes, mimeType: 'image/png' };
    }
    if (modelType === 'IMAGE') {
      const { width, height } = frameSize(req.params, 1);
      return { bytes: await renderPromptImage(req.prompt, seed, width, height), mimeType: 'image/png' };
    }
    return { bytes: await this.promptVideo(req, seed, signal), mimeType: 'video/mp4' };
  }

  /** Text to video: the camera moves over the seeded background while the caption stays put. */
  private async promptVideo(req: SubmitRequest, seed: number, signal: AbortSignal): Promise<Buffer> {
    const size = frameSize(req.params, 16 / 9);
    const [source, overlay] = await Promise.all([
      backgroundPixels(req.prompt, seed, size.width, size.height, SOURCE_SCALE),
      captionLayer(req.prompt, seed, size.width, size.height),
    ]);
    return animateStill({ ...this.clip(req.params, size), source: source as RawPicture, overlay, signal });
  }

  /** Image to video: the camera moves over the parent picture, cropped to the asked shape. */
  private async animateParent(parent: ParentImage, params: Record<string, unknown>, signal: AbortSignal): Promise<Buffer> {
    const size = frameSize(params, parent.width / parent.height);
    const source = await sharp(parent.bytes, { animated: false })
      .rotate()
      .flatten({ background: '#111111' }) // transparent parts would otherwise turn black at random
      .resize(Math.round(size.width * SOURCE_SCALE), Math.round(size.height * SOURCE_SCALE), { fit: 'cover' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return animateStill({ ...this.clip(params, size), source: source as RawPicture, signal });
  }

  private clip(params: Record<string, unknown>, size: FrameSize) {
    const asked = Number(params.duration ?? 4);
    const durationS = Number.isFinite(asked) && asked > 0 ? Math.min(MAX_DURATION_S, asked) : 4;
    const motion: Motion = isMotion(params.motion) ? params.motion : 'zoom-in';
    return { ...size, durationS, fps: this.fps, motion };
  }
}

/** The asked seed; without one, a seed of the asset, so each asset differs but a retry repeats it. */
function seedOf(req: SubmitRequest): number {
  const asked = Number(req.params.seed);
  if (req.params.seed !== undefined && req.params.seed !== null && req.params.seed !== '' && Number.isFinite(asked)) return Math.trunc(asked);
  return Math.floor(seededRandom('seed', req.assetId)() * 2147483647);
}

interface ParentImage {
  bytes: Buffer;
  width: number;
  height: number;
}

async function readParent(req: SubmitRequest): Promise<ParentImage> {
  if (!req.input) throw new ProviderError('missing_input_image', `${req.model.name} animates an image: choose a parent image first.`);
  const bytes = await req.input.read();
  try {
    const info = await probeImage(bytes);
    return { bytes, width: info.width, height: info.height };
  } catch (e) {
    if (!(e instanceof InvalidMediaError)) throw e;
    throw new ProviderError('provider_bad_request', `The parent image "${req.input.filename}" could not be read (${e.message}); use a PNG, JPEG, WEBP or GIF.`);
  }
}
