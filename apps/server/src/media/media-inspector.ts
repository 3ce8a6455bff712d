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

/**
 * Reads a stored file once into a temp file (never whole into memory), then measures it and
 * makes its thumbnail (`@genbox/media` does both). A file the tools cannot read still stores
 * fine: its facts stay null.
 */
export async function inspectStoredMedia(storage: StorageDriver, key: string, type: AssetType): Promise<MediaFacts> {
  const { stream, sizeBytes } = await storage.get(key).catch(() => ({ stream: null, sizeBytes: 0 }));
  if (!stream) return { ...NO_FACTS };
  // a small image is read into memory: no temp dir, no second copy on disk (sharp reads either)
  if (type === 'IMAGE' && sizeBytes <= IN_MEMORY_MAX_BYTES) {
    try {
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      return await imageFacts(Buffer.concat(chunks));
    } catch {
      return { ...NO_FACTS };
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'genbox-inspect-'));
  const file = join(dir, 'media');
  try {
    await pipeline(stream, createWriteStream(file));
    return await (type === 'IMAGE' ? imageFacts(file) : videoFacts(file));
  } catch {
    return { ...NO_FACTS };
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
