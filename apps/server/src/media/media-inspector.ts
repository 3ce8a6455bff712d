import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AssetType } from '@genbox/contracts';
import { imageFacts, type MediaFacts, NO_FACTS, videoFacts } from '@genbox/media';
import type { StorageDriver } from '../storage/storage.port.js';

/** Images up to this size are inspected from memory rather than a temp file, in bytes. */
const IN_MEMORY_MAX_BYTES = 8 * 1024 * 1024;
/** How long the presigned URL ffprobe and ffmpeg read an S3 video through stays valid, in seconds. */
const TOOL_URL_TTL_S = 15 * 60;

/**
 * Measures a stored file and makes its thumbnail (`@genbox/media` does both), never holding it
 * whole in memory and never copying a video: ffprobe and ffmpeg read it where it lies (the local
 * file, or S3 over a presigned URL with range requests) and seek to the index and the poster
 * frame, so a 5 GB clip costs a few MB of reads, not a second 5 GB write. A file the tools cannot
 * read still stores fine: its facts stay null.
 */
export async function inspectStoredMedia(storage: StorageDriver, key: string, type: AssetType): Promise<MediaFacts> {
  try {
    if (type === 'VIDEO') {
      const where = storage.localPath(key) ?? (await storage.signedUrl(key, TOOL_URL_TTL_S));
      if (where) return await videoFacts(where);
    }
    return await inspectByReading(storage, key, type);
  } catch {
    return { ...NO_FACTS };
  }
}

/** Images (sharp takes a path or bytes, not a URL), and videos on a store with no way to read in place. */
async function inspectByReading(storage: StorageDriver, key: string, type: AssetType): Promise<MediaFacts> {
  const { stream, sizeBytes } = await storage.get(key);
  // a small image is read into memory: no temp dir, no second copy on disk (sharp reads either)
  if (type === 'IMAGE' && sizeBytes <= IN_MEMORY_MAX_BYTES) {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return imageFacts(Buffer.concat(chunks));
  }
  const local = storage.localPath(key);
  if (local) {
    stream.destroy();
    return imageFacts(local);
  }
  const dir = await mkdtemp(join(tmpdir(), 'genbox-inspect-'));
  const file = join(dir, 'media');
  try {
    await pipeline(stream, createWriteStream(file));
    return await (type === 'IMAGE' ? imageFacts(file) : videoFacts(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Stores the thumbnail of `facts`; its key (the file's own for an image that is its own thumbnail), or null when there is none. */
export async function storeThumbnail(storage: StorageDriver, keys: { file: string; thumbnail: string }, facts: MediaFacts): Promise<string | null> {
  if (facts.thumbnail === 'original') return keys.file;
  if (!facts.thumbnail) return null;
  await storage.put(keys.thumbnail, Readable.from([facts.thumbnail]), { contentType: 'image/webp' });
  return keys.thumbnail;
}
