import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AssetType } from '@genbox/contracts';
import { posterFrame, probeVideo } from '@genbox/providers';
import sharp from 'sharp';
import type { StorageDriver } from '../storage/storage.port.js';

export interface MediaFacts {
  width: number | null;
  height: number | null;
  durationS: number | null;
  /** Small webp for the card: the image scaled down, or a video's poster frame. */
  thumbnail: Buffer | null;
}

const THUMB_PX = 512;
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

/** Size (after EXIF rotation) and the webp thumbnail of an image, from a file path or its bytes. */
async function imageFacts(input: string | Buffer): Promise<MediaFacts> {
  const { data: thumbnail, info } = await sharp(input, { animated: false }).rotate().resize(THUMB_PX, THUMB_PX, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 78 }).toBuffer({ resolveWithObject: true });
  // smaller than the box on both sides: nothing was scaled, so the thumbnail has the image's size (after EXIF rotation), no second decode
  if (info.width < THUMB_PX && info.height < THUMB_PX) return { width: info.width, height: info.height, durationS: null, thumbnail };
  const meta = await sharp(input, { animated: false }).metadata();
  const swap = (meta.orientation ?? 1) >= 5;
  return { width: (swap ? meta.height : meta.width) ?? null, height: (swap ? meta.width : meta.height) ?? null, durationS: null, thumbnail };
}
