import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { type AddressInfo, type Socket, connect, createServer } from 'node:net';
import type { AssetDto, BoxDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestS3, startS3 } from '../storage/fixtures.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';
import { b64, s3Env, shortMp4, tusHeaders } from './resumable-fixtures.js';

/*
 * A 1 GB upload whose connection drops at 60 % finishes by sending only the rest. The bytes that
 * reach the server are counted by a TCP relay in front of it, so "not sent again" is measured,
 * not inferred from what the client meant to send. Default configuration but the upload cap.
 * The same on S3 (s3rver), with 256 MB: s3rver keeps every object on disk, at a disk's cost.
 */

const GB = 1024 ** 3;
const BLOCK = 1024 * 1024;
let gb: TestGenbox;
let editor: UserClient;
let box: BoxDto;
let relay: { port: number; bytesIn: () => number; close: () => void };
let s3: TestS3 | null = null;

/** Forwards TCP to the server, counting the bytes that go towards it. */
async function countingRelay(target: number) {
  let bytesIn = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (c: Buffer) => (bytesIn += c.length));
    client.pipe(upstream).pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, bytesIn: () => bytesIn, close: () => (sockets.forEach((s) => s.destroy()), server.close()) };
}

/** The file: a real MP4, then numbered 1 MB blocks up to `length` (any misplaced piece changes the hash). */
function* fileBlocks(mp4: Buffer, length: number, from = 0): Generator<Buffer> {
  for (let at = Math.floor(from / BLOCK) * BLOCK; at < length; at += BLOCK) {
    const block = Buffer.alloc(Math.min(BLOCK, length - at), at / BLOCK & 0xff);
    if (at === 0) mp4.copy(block);
    yield at < from ? block.subarray(from - at) : block;
  }
}

/** PATCHes the file from `offset` through the relay; with `dropAt`, the connection is cut once that many body bytes are written. */
function patchFrom(url: string, mp4: Buffer, length: number, offset: number, dropAt?: number): Promise<{ status: number | null; headers: Record<string, unknown>; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = request({ host: '127.0.0.1', port: relay.port, method: 'PATCH', path: url, headers: tusHeaders(editor.token!, { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset), 'content-length': String(length - offset) }) });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? null, headers: res.headers, sent }));
    });
    req.on('error', (e) => (dropAt !== undefined ? resolve({ status: null, headers: {}, sent }) : reject(e)));
    const blocks = fileBlocks(mp4, length, offset);
    const pump = () => {
      for (let b = blocks.next(); !b.done; b = blocks.next()) {
        sent += b.value.length;
        const more = req.write(b.value);
        if (dropAt !== undefined && sent >= dropAt) return void req.destroy(); // the connection drops
        if (!more) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe.each([
  { storage: 'local', length: GB, label: '1 GB' },
  { storage: 's3', length: 256 * 1024 * 1024, label: '256 MB' },
] as const)('on $storage storage', ({ storage, length, label }) => {
  beforeAll(async () => {
    s3 = storage === 's3' ? await startS3() : null;
    gb = await startTestGenbox({ MAX_UPLOAD_BYTES: String(2 * GB), ...(s3 ? s3Env(s3) : {}) });
    editor = await gb.newUser('editor');
    box = await editor.createBox('Big');
    relay = await countingRelay(Number(new URL(gb.url).port));
  });
  afterAll(async () => {
    relay?.close();
    await gb?.stop();
    await s3?.close();
  });

  it(`a ${label} upload interrupted at 60 % resumes from what the server has and sends only the rest`, { timeout: 600_000 }, async () => {
    const mp4 = await shortMp4(320, 180, 2);
    const created = await fetch(`${gb.url}/api/boxes/${box.id}/uploads`, { method: 'POST', headers: tusHeaders(editor.token!, { 'upload-length': String(length), 'upload-metadata': `filename ${b64('big.mp4')}` }) });
    const url = created.headers.get('location')!;

    const first = await patchFrom(url, mp4, length, 0, Math.floor(length * 0.6));
    expect(first.status).toBeNull(); // no answer: the connection was cut
    // the server kept what reached it (HEAD waits while it stores the cut-off piece)
    const head = await fetch(gb.url + url, { method: 'HEAD', headers: tusHeaders(editor.token!) });
    const offset = Number(head.headers.get('upload-offset'));
    const receivedBeforeDrop = relay.bytesIn();
    expect(offset).toBeGreaterThan(length * 0.55);
    expect(offset).toBeLessThanOrEqual(length * 0.6);
    expect(offset).toBeLessThanOrEqual(receivedBeforeDrop);

    const second = await patchFrom(url, mp4, length, offset);
    expect(second.status).toBe(204);
    expect(second.headers['upload-offset']).toBe(String(length));
    const bytesToServer = relay.bytesIn() - receivedBeforeDrop;
    // only the remaining 40 % (plus a request head) went to the server the second time
    expect(bytesToServer).toBeLessThan(length - offset + 4096);
    expect(bytesToServer).toBeGreaterThanOrEqual(length - offset);
    // and over both connections, the server received the file once (plus what was in flight at the cut)
    expect(relay.bytesIn()).toBeLessThan(length + 64 * 1024 * 1024);

    const asset = await editor.get<AssetDto>(`/api/assets/${second.headers['genbox-asset-id']}`).ok();
    expect(asset).toMatchObject({ status: 'COMPLETED', type: 'VIDEO', size_bytes: length, width: 320, height: 180 });
    const stored = createHash('sha256');
    for await (const chunk of (await fetch(asset.file_url!)).body!) stored.update(chunk);
    const expected = createHash('sha256');
    for (const block of fileBlocks(mp4, length)) expected.update(block);
    expect(stored.digest('hex')).toBe(expected.digest('hex'));
    expect((s3 ? await s3.keys() : await gb.storedFiles()).filter((f) => f.startsWith('uploads/'))).toEqual([]);
  });
});
