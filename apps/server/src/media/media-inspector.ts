import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AssetType } from '@genbox/contracts';
import { posterFrame, probeVideo } from '@genbox/providers';
import sharp from 'sharp';
import type { StorageDriver } from '../storage/storage.port.js';

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

const THUMB_PX = 512;
/**
 * An image within THUMB_PX on both sides, of at most this many bytes, in a format every browser
 * shows and not turned by EXIF, is its own thumbnail: a webp copy would be no smaller to fetch
 * and would cost an encode and a second stored file per asset.
 */
const OWN_THUMBNAIL_MAX_BYTES = 64 * 1024;
const OWN_THUMBNAIL_FORMATS = new Set(['png', 'jpeg', 'webp']);
/** Images up to this size are inspected from memory rather than a temp file, in bytes. */
const IN_MEMORY_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Reads a stored file once into a temp file (never whole into memory), then measures it and
 * makes its thumbnail. A file the tools cannot read still stores fine: its facts stay null.
 */
export async function inspectStoredMedia(storage: StorageDriver, key: string, type: AssetType): Promise<MediaFacts> {
  const { stream, sizeBytes } = await storage.get(key).catch(() => ({ stream: null, sizeBytes: 0 }));
  if (!stream) return { width: null, height: null, durationS: null, thumbnail: null };
  // a small image is read into memory: no temp dir, no second copy on disk (sharp reads either)
  if (type === 'IMAGE' && sizeBytes <= IN_MEMORY_MAX_BYTES) {
    try {
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      return await imageFacts(Buffer.concat(chunks));
    } catch {
      return { width: null, height: null, durationS: null, thumbnail: null };
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'genbox-inspect-'));
  const file = join(dir, 'media');
  try {
    await pipeline(stream, createWriteStream(file));
    if (type === 'IMAGE') return await imageFacts(file);
    const info = await probeVideo(file);
    const thumbnail = await posterFrame(file, { maxSize: THUMB_PX }).catch(() => null);
    return { width: info.width, height: info.height, durationS: info.durationS, thumbnail };
  } catch {
    return { width: null, height: null, durationS: null, thumbnail: null };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Facts of an image already in memory; unreadable bytes give null facts, as for a stored file. */
export async function inspectImageBytes(bytes: Buffer): Promise<MediaFacts> {
  return imageFacts(bytes).catch(() => ({ width: null, height: null, durationS: null, thumbnail: null }));
}

/** Size (after EXIF rotation) and the thumbnail of an image, from a file path or its bytes. */
async function imageFacts(input: string | Buffer): Promise<MediaFacts> {
  // the commonest small result, a plain PNG, is measured from its header without a trip to libvips
  const png = Buffer.isBuffer(input) && input.length <= OWN_THUMBNAIL_MAX_BYTES ? plainPngSize(input) : null;
  if (png && png.width <= THUMB_PX && png.height <= THUMB_PX) return { ...png, durationS: null, thumbnail: 'original' };
  const meta = await sharp(input, { animated: false }).metadata();
  const turned = (meta.orientation ?? 1) >= 5;
  const width = (turned ? meta.height : meta.width) ?? null;
  const height = (turned ? meta.width : meta.height) ?? null;
  const ownThumbnail = Buffer.isBuffer(input) && input.length <= OWN_THUMBNAIL_MAX_BYTES && (meta.orientation ?? 1) === 1
    && OWN_THUMBNAIL_FORMATS.has(meta.format ?? '') && (meta.pages ?? 1) === 1 && width !== null && height !== null && width <= THUMB_PX && height <= THUMB_PX;
  if (ownThumbnail) return { width, height, durationS: null, thumbnail: 'original' };
  const thumbnail = await sharp(input, { animated: false }).rotate().resize(THUMB_PX, THUMB_PX, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 78 }).toBuffer();
  return { width, height, durationS: null, thumbnail };
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

/** Stores the thumbnail of `facts`; its key (the file's own for an image that is its own thumbnail), or null when there is none. */
export async function storeThumbnail(storage: StorageDriver, keys: { file: string; thumbnail: string }, facts: MediaFacts): Promise<string | null> {
  if (facts.thumbnail === 'original') return keys.file;
  if (!facts.thumbnail) return null;
  await storage.put(keys.thumbnail, Readable.from([facts.thumbnail]), { contentType: 'image/webp' });
  return keys.thumbnail;
}
