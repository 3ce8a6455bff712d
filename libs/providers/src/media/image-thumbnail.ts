import sharp from 'sharp';
import { InvalidMediaError } from './media-errors.js';

export interface ThumbnailOptions {
  /** Longest side in pixels; smaller images are not enlarged. */
  maxSize?: number;
  format?: 'webp' | 'jpeg';
}

/** A small still of an image (first frame of an animation), upright per EXIF, as WEBP or JPEG. */
export async function imageThumbnail(bytes: Buffer, opts: ThumbnailOptions = {}): Promise<Buffer> {
  const maxSize = opts.maxSize ?? 512;
  try {
    const img = sharp(bytes).rotate().resize({ width: maxSize, height: maxSize, fit: 'inside', withoutEnlargement: true });
    return await (opts.format === 'jpeg' ? img.jpeg({ quality: 80 }) : img.webp({ quality: 80 })).toBuffer();
  } catch (e) {
    throw new InvalidMediaError(`Not a readable image: ${(e as Error).message}`);
  }
}
