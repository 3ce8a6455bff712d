import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegPath, runTool } from '@genbox/media';
import type { TestS3 } from '../storage/fixtures.js';

/** A short MP4 with its index in front (seekable, so later bytes may be anything), as ffmpeg writes it to a file. */
export async function shortMp4(w = 160, h = 96, seconds = 1): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'genbox-clip-'));
  const out = join(dir, 'clip.mp4');
  try {
    await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${w}x${h}:rate=12:duration=${seconds}`, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', out]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** tus headers for a user's token. */
export const tusHeaders = (token: string | null, extra: Record<string, string> = {}): Record<string, string> => ({ authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', ...extra });

export const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The environment of a Genbox storing in the given S3-compatible server. */
export function s3Env(s3: TestS3): Record<string, string> {
  const c = s3.config();
  return { STORAGE: 's3', S3_ENDPOINT: c.endpoint!, S3_BUCKET: c.bucket, S3_REGION: c.region, S3_ACCESS_KEY_ID: c.accessKeyId!, S3_SECRET_ACCESS_KEY: c.secretAccessKey!, S3_FORCE_PATH_STYLE: 'true' };
}
