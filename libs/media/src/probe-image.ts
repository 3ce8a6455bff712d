import sharp, { type Metadata } from 'sharp';
import { InvalidMediaError } from './media-errors.js';

export interface ImageInfo {
  /** Display size, after EXIF orientation (a portrait phone photo is taller than wide). */
  width: number;
  height: number;
  mimeType: string;
  hasAlpha: boolean;
  /** More than one frame: an animated GIF or WEBP. */
  animated: boolean;
  /** No EXIF orientation turns it: the stored pixels are shown as they are. */
  upright: boolean;
}

const MIME_BY_FORMAT: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  svg: 'image/svg+xml',
  avif: 'image/avif',
  jp2: 'image/jp2',
};

function mimeTypeOf(meta: Metadata): string {
  // sharp reports both HEIC and AVIF as 'heif'; the compression tells them apart.
  if (meta.format === 'heif') return meta.compression === 'av1' ? 'image/avif' : 'image/heic';
  return MIME_BY_FORMAT[meta.format ?? ''] ?? 'application/octet-stream';
}

/** Reads size and type of an image from its bytes or its file; throws InvalidMediaError when they are not an image. */
export async function probeImage(image: Buffer | string): Promise<ImageInfo> {
  let meta: Metadata;
  try {
    meta = await sharp(image, { animated: false }).metadata();
  } catch (e) {
    throw new InvalidMediaError(`Not a readable image: ${(e as Error).message}`);
  }
  if (!meta.width || !meta.height) throw new InvalidMediaError('Not a readable image: it has no size');
  const turned = (meta.orientation ?? 1) >= 5; // EXIF orientations 5–8 are rotated by 90°
  return {
    width: turned ? meta.height : meta.width,
    height: turned ? meta.width : meta.height,
    mimeType: mimeTypeOf(meta),
    hasAlpha: meta.hasAlpha ?? false,
    animated: (meta.pages ?? 1) > 1,
    upright: (meta.orientation ?? 1) === 1,
  };
}
