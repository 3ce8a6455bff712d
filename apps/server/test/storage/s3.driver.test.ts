import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage } from '../../src/storage/create-storage.js';
import { S3StorageDriver } from '../../src/storage/s3.driver.js';
import { StorageNotFoundError, StorageRangeError } from '../../src/storage/storage.port.js';
import { startS3, type TestS3 } from './fixtures.js';

let s3: TestS3;
let storage: S3StorageDriver;

beforeAll(async () => {
  s3 = await startS3();
  storage = new S3StorageDriver(s3.config());
  await storage.init();
});
afterAll(async () => {
  storage?.close();
  await s3?.close();
});

/** `total` bytes whose value depends on their offset, so a misplaced part or range shows. */
async function* patterned(total: number, chunk = 256 * 1024): AsyncGenerator<Buffer> {
  for (let at = 0; at < total; at += chunk) {
    const n = Math.min(chunk, total - at);
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = ((at + i) * 31) & 0xff;
    yield b;
  }
}
const sha = async (chunks: AsyncIterable<Buffer>) => {
  const h = createHash('sha256');
  for await (const c of chunks) h.update(c);
  return h.digest('hex');
};

describe('S3 storage (against s3rver)', () => {
  it('stores a small object and reads it back with its content type', async () => {
    const put = await storage.put('boxes/b1/small.png', Readable.from([Buffer.from('tiny png')]), { contentType: 'image/png' });
    expect(put.sizeBytes).toBe(8);
    const got = await storage.get('boxes/b1/small.png');
    expect(got).toMatchObject({ sizeBytes: 8, contentType: 'image/png' });
    expect(await text(got.stream)).toBe('tiny png');
  });

  it('streams a 20 MB object in parts and serves ranges of it', async () => {
    const total = 20 * 1024 * 1024;
    const put = await storage.put('boxes/b1/big.mp4', Readable.from(patterned(total)), { contentType: 'video/mp4' });
    expect(put.sizeBytes).toBe(total);

    const whole = await storage.get('boxes/b1/big.mp4');
    expect(whole.sizeBytes).toBe(total);
    expect(await sha(whole.stream)).toBe(await sha(patterned(total)));

    // A range across the first part boundary (5 MB), as a video player seeking would ask.
    const start = 5 * 1024 * 1024 - 10;
    const part = await storage.get('boxes/b1/big.mp4', { start, end: start + 19 });
    expect(part).toMatchObject({ sizeBytes: total, range: { start, end: start + 19 } });
    const bytes = await buffer(part.stream);
    expect([...bytes]).toEqual(Array.from({ length: 20 }, (_, i) => ((start + i) * 31) & 0xff));

    const past = await storage.get('boxes/b1/big.mp4', { start: total }).catch((e) => e);
    expect(past).toBeInstanceOf(StorageRangeError);
    expect(past.sizeBytes).toBe(total); // what the server needs for Content-Range: bytes */size
  });

  it('hands out a presigned URL that plain fetch can download', async () => {
    await storage.put('shared/result.png', Readable.from([Buffer.from('signed bytes')]), { contentType: 'image/png' });
    const url = await storage.signedUrl('shared/result.png', 60);
    expect(url).toContain('X-Amz-Signature=');
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('signed bytes');
    // s3rver does not verify v4 signatures, so only the expiry we asked for can be checked here.
    expect(new URL(url!).searchParams.get('X-Amz-Expires')).toBe('60');
  });

  it('a presigned URL makes the bucket answer with the type and disposition signed into it, not the stored ones', async () => {
    // stored as a page: a presigned link must still never be served as one
    await storage.put('shared/hostile.png', Readable.from([Buffer.from('<script>alert(1)</script>')]), { contentType: 'text/html' });
    const url = await storage.signedUrl('shared/hostile.png', 60, { contentType: 'image/png', contentDisposition: 'attachment; filename="genbox-12345678.png"' });
    expect(new URL(url!).searchParams.get('response-content-disposition')).toBe('attachment; filename="genbox-12345678.png"');
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="genbox-12345678.png"');
  });

  it('deletes objects, and deleting a missing one is fine', async () => {
    await storage.put('to-delete.gif', Readable.from([Buffer.from('x')]), { contentType: 'image/gif' });
    await storage.delete('to-delete.gif');
    await storage.delete('to-delete.gif');
    await expect(storage.get('to-delete.gif')).rejects.toBeInstanceOf(StorageNotFoundError);
    expect(await s3.keys()).not.toContain('to-delete.gif');
  });

  it('leaves nothing in the bucket when the stream breaks mid-upload', async () => {
    async function* broken() {
      yield* patterned(7 * 1024 * 1024); // past the first part, so a multipart upload is under way
      throw new Error('client went away');
    }
    await expect(storage.put('broken.mp4', Readable.from(broken()), { contentType: 'video/mp4' })).rejects.toThrow();
    expect(await s3.keys()).not.toContain('broken.mp4');
  });

  it('objects at and just past a part boundary come back byte for byte, whatever size the chunks arrive in', async () => {
    const part = 5 * 1024 * 1024;
    for (const [total, chunk] of [[part, 64 * 1024], [part + 1, 64 * 1024], [part - 1, 1000], [2 * part + 12345, 3 * 1024 * 1024 + 7]] as const) {
      const key = `edges/${total}-${chunk}.bin`;
      expect((await storage.put(key, Readable.from(patterned(total, chunk)), { contentType: 'video/mp4' })).sizeBytes).toBe(total);
      const got = await storage.get(key);
      expect(got.sizeBytes).toBe(total);
      expect(await sha(got.stream), key).toBe(await sha(patterned(total)));
    }
  });

  it('a body shorter or longer than its announced length stores nothing', async () => {
    const part = 5 * 1024 * 1024;
    await expect(storage.put('short.mp4', Readable.from(patterned(part + 10)), { contentType: 'video/mp4', contentLength: part + 11 })).rejects.toThrow(/Expected 5242891 bytes/);
    await expect(storage.put('long.png', Readable.from(patterned(100)), { contentType: 'image/png', contentLength: 99 })).rejects.toThrow(/Expected 99 bytes/);
    expect(await s3.keys()).not.toContain('short.mp4');
    expect(await s3.keys()).not.toContain('long.png');
  });

  it('says clearly when the bucket does not exist, and creates it when asked', async () => {
    const missing = new S3StorageDriver(s3.config('no-such-bucket'));
    await expect(missing.health()).rejects.toThrow(/bucket "no-such-bucket" .* does not exist/);
    await expect(createStorage({ storage: 's3', dataDir: '', s3: s3.config('no-such-bucket') })).rejects.toThrow(/does not exist/);
    missing.close();

    const created = await createStorage({ storage: 's3', dataDir: '', s3: { ...s3.config('made-at-boot'), createBucket: true } });
    await created.health();
    await created.put('hello.png', Readable.from([Buffer.from('x')]), { contentType: 'image/png' });
    expect(await s3.keys('made-at-boot')).toEqual(['hello.png']);
    (created as S3StorageDriver).close();
  });

  it('says clearly when the store cannot be reached', async () => {
    const down = new S3StorageDriver({ ...s3.config(), endpoint: 'http://127.0.0.1:1' });
    await expect(down.health()).rejects.toThrow(/unreachable or failing/);
    down.close();
  });
});
