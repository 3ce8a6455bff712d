import busboy from 'busboy';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorageDriver } from '../../src/storage/local.driver.js';
import { S3StorageDriver } from '../../src/storage/s3.driver.js';
import type { StorageDriver } from '../../src/storage/storage.port.js';
import {
  EmptyUploadError,
  ingestUpload,
  UnsupportedMediaTypeError,
  UploadAbortedError,
  UploadTooLargeError,
} from '../../src/storage/upload-stream.js';
import { bytesStartingWith, filesUnder, hex, image, startS3, VIDEO_HEADS, type TestS3 } from './fixtures.js';

const MB = 1024 * 1024;
let dir: string;
let s3: TestS3;
const drivers: Record<'local' | 's3', { storage: StorageDriver; stored(): Promise<string[]> }> = {} as never;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'genbox-upload-'));
  const local = new LocalStorageDriver(dir);
  await local.init();
  drivers.local = { storage: local, stored: () => filesUnder(dir) };
  s3 = await startS3();
  const remote = new S3StorageDriver(s3.config());
  drivers.s3 = { storage: remote, stored: () => s3.keys() };
});
afterAll(async () => {
  (drivers.s3?.storage as S3StorageDriver | undefined)?.close();
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A source that records how much of it was read, to see that reading stops at the cap. */
function counting(chunks: AsyncIterable<Buffer>) {
  const seen = { bytes: 0 };
  async function* gen() {
    for await (const c of chunks) {
      seen.bytes += c.length;
      yield c;
    }
  }
  return { stream: Readable.from(gen(), { objectMode: false }), seen };
}

describe.each(['local', 's3'] as const)('uploading into %s storage', (kind) => {
  it('stores a real image and reports what it is', async () => {
    const png = await image('png', 64);
    const { storage } = drivers[kind];
    const result = await ingestUpload(Readable.from([png]), { storage, key: `ok/${kind}.png`, maxBytes: MB });
    expect(result).toEqual({ mimeType: 'image/png', type: 'IMAGE', sizeBytes: png.length });
    const got = await storage.get(`ok/${kind}.png`);
    expect(got.contentType).toBe('image/png');
    await storage.delete(`ok/${kind}.png`);
  });

  it('stops reading a file as soon as it passes the cap, and stores nothing', async () => {
    const { stream, seen } = counting(bytesStartingWith(hex(VIDEO_HEADS.mp4), 64 * MB));
    const { storage, stored } = drivers[kind];
    await expect(ingestUpload(stream, { storage, key: 'big.mp4', maxBytes: 6 * MB })).rejects.toBeInstanceOf(UploadTooLargeError);
    expect(seen.bytes).toBeLessThan(6 * MB + 512 * 1024); // the cap plus what was in flight, not the 64 MB
    expect(await stored()).toEqual([]);
  });

  it.each([
    ['a PDF', Buffer.from('%PDF-1.7\n' + 'x'.repeat(5000)), undefined],
    ['a video where only images are allowed', hex(VIDEO_HEADS.webm), ['IMAGE'] as const],
  ])('refuses %s and stores nothing', async (_name, bytes, allowedTypes) => {
    const { storage, stored } = drivers[kind];
    await expect(ingestUpload(Readable.from([bytes]), { storage, key: 'wrong.bin', maxBytes: MB, allowedTypes })).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
    expect(await stored()).toEqual([]);
  });

  it('refuses an empty file', async () => {
    const { storage, stored } = drivers[kind];
    await expect(ingestUpload(Readable.from([]), { storage, key: 'empty.png', maxBytes: MB })).rejects.toBeInstanceOf(EmptyUploadError);
    expect(await stored()).toEqual([]);
  });

  it('stores nothing when the client goes away mid-file', async () => {
    async function* cut() {
      yield* bytesStartingWith(hex(VIDEO_HEADS.mov), 7 * MB); // past one S3 part
      throw new Error('aborted');
    }
    const { storage, stored } = drivers[kind];
    const err = await ingestUpload(Readable.from(cut(), { objectMode: false }), { storage, key: 'cut.mov', maxBytes: 100 * MB }).catch((e) => e);
    expect(err).toBeInstanceOf(UploadAbortedError);
    expect(await stored()).toEqual([]);
  });
});

describe('uploading through busboy from a real HTTP request', () => {
  let server: Server;
  let port: number;
  const outcomes: Promise<unknown>[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const bb = busboy({ headers: req.headers });
      bb.on('file', (_field, file) => {
        const done = ingestUpload(file, { storage: drivers.local.storage, key: 'via-http.gif', maxBytes: 20 * MB });
        outcomes.push(done.catch((e) => e));
        done.then(
          (r) => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(r)),
          (e) => res.writeHead(e instanceof UploadTooLargeError ? 413 : 400, { connection: 'close' }).end(e.message),
        );
      });
      // pipeline, not pipe: a client abort must reach busboy, which then fails the file stream.
      pipeline(req, bb).catch(() => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('stores a GIF posted as multipart form data', async () => {
    const gif = await image('gif', 32);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(gif)]), 'cat.gif');
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: form });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ mimeType: 'image/gif', type: 'IMAGE', sizeBytes: gif.length });
    await drivers.local.storage.delete('via-http.gif');
  });

  it('stores nothing when the browser tab closes mid-upload', async () => {
    outcomes.length = 0;
    const boundary = 'genboxboundary';
    const req = request({ port, host: '127.0.0.1', method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    req.on('error', () => undefined);
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.gif"\r\nContent-Type: image/gif\r\n\r\n`);
    req.write(await image('gif', 32));
    req.write(Buffer.alloc(2 * MB, 1));
    await new Promise((r) => setTimeout(r, 100));
    req.destroy(); // no closing boundary: the form is cut off
    await expect.poll(() => outcomes.length).toBe(1);
    expect(await outcomes[0]).toBeInstanceOf(UploadAbortedError);
    expect(await filesUnder(dir)).toEqual([]);
  });
});
