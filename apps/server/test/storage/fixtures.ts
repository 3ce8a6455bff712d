import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import type { S3StorageConfig } from '../../src/storage/s3.driver.js';

/** First 64 bytes of files ffmpeg 4.x wrote (lavfi color source, 0.2 s), as hex. */
export const VIDEO_HEADS = {
  mp4: '000000206674797069736f6d0000020069736f6d69736f32617663316d7034310000000866726565000003086d646174000002ae0605ffffaadc45e9bde6d948',
  webm: '1a45dfa3010000000000001f4286810142f7810142f2810442f381084282847765626d42878102428581021853806701000000000002fd114d9b74403b4dbb8b',
  mov: '00000014667479707174202000000200717420200000000877696465000003086d646174000002ae0605ffffaadc45e9bde6d948b7962cd820d923eeef783236',
  mkv: '1a45dfa301000000000000234286810142f7810142f2810442f381084282886d6174726f736b6142878104428581021853806701000000000005e7114d9b7440',
};

export const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');

/** A real image of the given format, made by sharp (libvips). */
export async function image(format: 'png' | 'jpeg' | 'webp' | 'gif', size = 8): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .toFormat(format)
    .toBuffer();
}

/** `total` bytes starting with `head` (then zeros), yielded in 64 KB chunks and never held whole. */
export async function* bytesStartingWith(head: Buffer, total: number, chunk = 64 * 1024): AsyncGenerator<Buffer> {
  const filler = Buffer.alloc(chunk, 7);
  yield head.subarray(0, Math.min(head.length, total));
  let sent = Math.min(head.length, total);
  while (sent < total) {
    const n = Math.min(chunk, total - sent);
    yield n === chunk ? filler : filler.subarray(0, n);
    sent += n;
  }
}

/** Every file under a folder, hidden temp and sidecar folders included (an empty list: nothing stored). */
export async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1));
}

export interface TestS3 {
  endpoint: string;
  /** A driver on bucket `genbox`, which exists. */
  config(bucket?: string): S3StorageConfig;
  /** Keys in a bucket, for "nothing was stored" checks. */
  keys(bucket?: string): Promise<string[]>;
  close(): Promise<void>;
}

/** A real S3-compatible server (s3rver) on 127.0.0.1:0 with an empty `genbox` bucket. */
export async function startS3(): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'genbox-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: 'genbox', configs: [] }] });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const config = (bucket = 'genbox'): S3StorageConfig => ({
    endpoint,
    bucket,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  });
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  return {
    endpoint,
    config,
    keys: async (bucket = 'genbox') => {
      const res = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (res.Contents ?? []).map((o) => o.Key!);
    },
    close: async () => {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
