import sharp from 'sharp';
import { InvalidMediaError } from './media-errors.js';

export interface ThumbnailOptions {
  /** Longest side in pixels; smaller images are not enlarged. */
  maxSize?: number;
  format?: 'webp' | 'jpeg';
  /** Encoder quality, 1–100; default 80. */
  quality?: number;
}

/** A small still of an image (bytes or file; first frame of an animation), upright per EXIF, as WEBP or JPEG. */
export async function imageThumbnail(image: Buffer | string, opts: ThumbnailOptions = {}): Promise<Buffer> {
  const maxSize = opts.maxSize ?? 512;
  const quality = opts.quality ?? 80;
  try {
    const img = sharp(image, { animated: false }).rotate().resize({ width: maxSize, height: maxSize, fit: 'inside', withoutEnlargement: true });
    return await (opts.format === 'jpeg' ? img.jpeg({ quality }) : img.webp({ quality })).toBuffer();
  } catch (e) {
    throw new InvalidMediaError(`Not a readable image: ${(e as Error).message}`);
  }
}
