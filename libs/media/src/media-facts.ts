import { imageThumbnail } from './image-thumbnail.js';
import { posterFrame } from './poster-frame.js';
import { probeImage } from './probe-image.js';
import { probeVideo } from './probe-video.js';

/** What a board card needs to know about a file: its size, its length, and a small picture of it. */
export interface MediaFacts {
  width: number | null;
  height: number | null;
  durationS: number | null;
  /**
   * Small webp for the card: the image scaled down, or a video's poster frame; `original` when
   * the image is small enough to be its own thumbnail.
   */
  thumbnail: Buffer | 'original' | null;
}

/** The facts of a file the tools cannot read: it still stores fine, with nothing measured. */
export const NO_FACTS: MediaFacts = Object.freeze({ width: null, height: null, durationS: null, thumbnail: null });

/** Longest side of a thumbnail, in pixels. */
export const THUMB_PX = 512;
/** The quality the board's thumbnails have always had, a little below imageThumbnail's default: they are many and small. */
const THUMB_QUALITY = 78;
/**
 * An image within THUMB_PX on both sides, of at most this many bytes, in a format every browser
 * shows and not turned by EXIF, is its own thumbnail: a webp copy would be no smaller to fetch
 * and would cost an encode and a second stored file per asset.
 */
const OWN_THUMBNAIL_MAX_BYTES = 64 * 1024;
const OWN_THUMBNAIL_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp']);

/**
 * Size (after EXIF rotation) and the thumbnail of an image, from a file path or its bytes.
 * Throws InvalidMediaError when it is not a readable image.
 */
export async function imageFacts(input: string | Buffer): Promise<MediaFacts> {
  const small = Buffer.isBuffer(input) && input.length <= OWN_THUMBNAIL_MAX_BYTES;
  // the commonest small result, a plain PNG, is measured from its header without a trip to libvips
  const png = small ? plainPngSize(input) : null;
  if (png && png.width <= THUMB_PX && png.height <= THUMB_PX) return { ...png, durationS: null, thumbnail: 'original' };
  const info = await probeImage(input);
  const { width, height } = info;
  const ownThumbnail = small && info.upright && OWN_THUMBNAIL_TYPES.has(info.mimeType) && !info.animated && width <= THUMB_PX && height <= THUMB_PX;
  if (ownThumbnail) return { width, height, durationS: null, thumbnail: 'original' };
  const thumbnail = await imageThumbnail(input, { maxSize: THUMB_PX, quality: THUMB_QUALITY });
  return { width, height, durationS: null, thumbnail };
}

/** Facts of an image already in memory; unreadable bytes give NO_FACTS, as for a stored file. */
export async function inspectImageBytes(bytes: Buffer): Promise<MediaFacts> {
  return imageFacts(bytes).catch(() => ({ ...NO_FACTS }));
}

/**
 * Size, duration and poster frame of a video file. Throws InvalidMediaError when it is not a
 * readable video; a video whose frame cannot be grabbed still has its measures.
 */
export async function videoFacts(path: string): Promise<MediaFacts> {
  // ffprobe and ffmpeg at once: neither needs the other's answer, and each is mostly its own
  // start-up and a few seeks (over HTTP for S3), so together they take the longer one's time, not
  // the sum, between the last byte stored and the asset COMPLETED. A poster of a file the probe
  // refuses is dropped with it.
  const [info, thumbnail] = await Promise.all([probeVideo(path), posterFrame(path, { maxSize: THUMB_PX }).catch(() => null)]);
  return { width: info.width, height: info.height, durationS: info.durationS, thumbnail };
}

/**
 * Width and height of a plain PNG read from its header: one frame and no EXIF chunk (which could
 * turn it) before the image data. null for anything else, which the full reader then measures.
 */
export function plainPngSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.length < 33 || bytes.readUInt32BE(0) !== 0x89504e47 || bytes.readUInt32BE(4) !== 0x0d0a1a0a || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  for (let at = 8; at + 8 <= bytes.length; at += 12 + bytes.readUInt32BE(at)) {
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') return width > 0 && height > 0 ? { width, height } : null;
    if (type === 'acTL' || type === 'eXIf') return null; // an animation, or EXIF
  }
  return null;
}
