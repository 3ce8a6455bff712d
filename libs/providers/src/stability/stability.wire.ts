import sharp from 'sharp';
import { ProviderError } from '../errors.js';
import type { InputImage, PollResult } from '../adapter.js';

export const STABILITY = 'Stability AI';

/** `accept: application/json` answers (PROTOCOLS §5): the media as base64 plus the finish reason. */
export interface StabilityJsonResult {
  image?: string;
  video?: string;
  finish_reason?: string;
  seed?: number;
}

/** The one error shape: `{id, name, errors[]}`. */
export interface StabilityErrorBody {
  id?: string;
  name?: string;
  errors?: string[];
}

/** A finished generation read from its JSON body; CONTENT_FILTERED output is blurred, so it is a failure for us. */
export function readStabilityResult(body: StabilityJsonResult, mimeType: string): PollResult {
  const reason = body.finish_reason ?? 'SUCCESS';
  if (reason === 'CONTENT_FILTERED') {
    return {
      status: 'FAILED',
      providerState: reason,
      error: { code: 'provider_content_filtered', message: `${STABILITY} filtered the result (finish_reason CONTENT_FILTERED; its output is blurred): change the prompt or the input image.` },
    };
  }
  const base64 = body.image ?? body.video;
  if (!base64 || reason !== 'SUCCESS') {
    return { status: 'FAILED', providerState: reason, error: { code: 'provider_task_failed', message: `${STABILITY} finished without a result (finish_reason ${reason}).` } };
  }
  return { status: 'COMPLETED', providerState: reason, outputs: [{ bytes: Buffer.from(base64, 'base64'), mimeType }] };
}

/** `application/json; type=image/png` → image/png. */
export function mediaTypeOf(contentType: string | null, fallback: string): string {
  return /type=([\w.+-]+\/[\w.+-]+)/.exec(contentType ?? '')?.[1] ?? fallback;
}

/** image-to-video accepts exactly these sizes (PROTOCOLS §5.2). */
const VIDEO_SIZES = [
  { width: 1024, height: 576 },
  { width: 576, height: 1024 },
  { width: 768, height: 768 },
];

/**
 * The parent image, cropped and scaled to the accepted size closest to its shape, as PNG.
 * A person's upload is rarely 1024x576 exactly; without this Stability would refuse it.
 */
export async function fitForImageToVideo(input: InputImage): Promise<Buffer> {
  const bytes = await input.read();
  const meta = await sharp(bytes).metadata();
  if (!meta.width || !meta.height) throw new ProviderError('missing_input_image', `The parent image cannot be read as an image, so ${STABILITY} cannot animate it.`);
  const ratio = meta.width / meta.height;
  const size = VIDEO_SIZES.reduce((best, s) => (Math.abs(Math.log(s.width / s.height / ratio)) < Math.abs(Math.log(best.width / best.height / ratio)) ? s : best));
  if (meta.width === size.width && meta.height === size.height && (meta.format === 'png' || meta.format === 'jpeg')) return bytes;
  return sharp(bytes).resize(size.width, size.height, { fit: 'cover' }).png().toBuffer();
}
