import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `fn` with a private temporary directory that is removed afterwards, whatever happens. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'genbox-media-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Gives `fn` a path to the media: the path itself, or the bytes written to a temporary file.
 * ffprobe and ffmpeg need a seekable file for MP4s whose index sits at the end.
 */
export async function withMediaFile<T>(media: string | Buffer, fn: (path: string) => Promise<T>): Promise<T> {
  if (typeof media === 'string') return fn(media);
  return withTempDir(async (dir) => {
    const path = join(dir, 'media');
    await writeFile(path, media);
    return fn(path);
  });
}
