import { request } from 'node:http';
import type { Server } from 'node:http';
import type { BoxDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';
import { b64, shortMp4, tusHeaders } from './resumable-fixtures.js';

/*
 * An upload is cut when its bytes stop, not because it takes long: Node's 300 s whole-request
 * timeout is off, and a body idle for REQUEST_BODY_IDLE_TIMEOUT_MS is cut instead. With the
 * default configuration (a minute), as users get it: a body that trickles for 70 s (never still
 * for a minute) gets through, one that stops for 65 s is cut. The trickle and the tus stall run
 * at once; the multipart stall runs alone, since it checks that no stored file is left anywhere.
 */

const IDLE_MS = loadConfig({}).requestBodyIdleTimeoutMs;
/** Each slow test waits past the idle limit; vitest's default 30 s would end it first. */
const SLOW_TEST_MS = IDLE_MS + 60_000;
/** A stall: well past the idle limit. */
const STALL_MS = IDLE_MS + 5000;
let gb: TestGenbox;
let editor: UserClient;
let box: BoxDto;
let video: Buffer;

beforeAll(async () => {
  gb = await startTestGenbox();
  editor = await gb.newUser('editor');
  box = await editor.createBox('Slow link');
  video = await shortMp4(320, 180, 2);
});
afterAll(() => gb?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends `parts` of a body with `gaps[i]` ms before part i; the answer's status, or null when the server cut the connection. */
function slowRequest(method: string, path: string, headers: Record<string, string>, parts: Buffer[], gaps: number[]): Promise<{ status: number | null; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve) => {
    const url = new URL(gb.url);
    const req = request({ host: url.hostname, port: url.port, method, path, headers: { ...headers, 'content-length': String(parts.reduce((n, p) => n + p.length, 0)) } });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? null, headers: res.headers, body }));
    });
    req.on('error', () => resolve({ status: null, headers: {}, body: '' }));
    void (async () => {
      for (let i = 0; i < parts.length; i++) {
        await sleep(gaps[i] ?? 0);
        if (req.destroyed) return;
        req.write(parts[i]);
      }
      req.end();
    })();
  });
}

function multipart(file: Buffer, boundary = 'genbox-slow-boundary'): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.mp4"\r\nContent-Type: video/mp4\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

/** `bytes` in `n` nearly equal parts. */
const split = (bytes: Buffer, n: number) => Array.from({ length: n }, (_, i) => bytes.subarray(Math.floor((i * bytes.length) / n), Math.floor(((i + 1) * bytes.length) / n)));

describe('slow uploads', () => {
  it('the server has no whole-request timeout, only the body idle one (by default a minute)', () => {
    const server = gb.app.getHttpServer() as Server;
    expect(server.requestTimeout).toBe(0);
    expect(server.headersTimeout).toBeGreaterThan(0); // headers still have Node's limit
    expect(loadConfig({}).requestBodyIdleTimeoutMs).toBe(60_000);
  });

  it.concurrent('a multipart upload whose bytes keep trickling for longer than the idle limit gets through', async () => {
    const body = multipart(video);
    // two gaps of 0.58 × the idle limit: longer than the limit together, neither near it alone
    const res = await slowRequest('POST', `/api/boxes/${box.id}/upload`, { authorization: `Bearer ${editor.token}`, 'content-type': 'multipart/form-data; boundary=genbox-slow-boundary' }, split(body, 3), [0, IDLE_MS * 0.58, IDLE_MS * 0.58]);
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'COMPLETED', type: 'VIDEO', size_bytes: video.length });
  }, SLOW_TEST_MS);

  it.concurrent('a tus PATCH that stalls is cut, keeps what arrived, and the client resumes from there', async () => {
    const created = await fetch(`${gb.url}/api/boxes/${box.id}/uploads`, { method: 'POST', headers: tusHeaders(editor.token!, { 'upload-length': String(video.length), 'upload-metadata': `filename ${b64('stall.mp4')}` }) });
    const url = created.headers.get('location')!;
    const half = Math.floor(video.length / 2);
    const cut = await slowRequest('PATCH', url, tusHeaders(editor.token!, { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }), [video.subarray(0, half), video.subarray(half)], [0, STALL_MS]);
    expect(cut.status).toBeNull();
    const offset = Number((await fetch(gb.url + url, { method: 'HEAD', headers: tusHeaders(editor.token!) })).headers.get('upload-offset'));
    expect(offset).toBe(half);
    const rest = await fetch(gb.url + url, { method: 'PATCH', headers: tusHeaders(editor.token!, { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(half) }), body: new Uint8Array(video.subarray(half)) });
    expect(rest.status).toBe(204);
    expect(rest.headers.get('genbox-asset-id')).toBeTruthy();
  }, SLOW_TEST_MS);

  it('a multipart upload that stops sending is cut after the idle limit and leaves nothing', async () => {
    const assets = async () => (await gb.sql('SELECT count(*)::int AS n FROM assets WHERE box_id = $1', [box.id]))[0].n as number;
    const [filesBefore, assetsBefore] = [new Set(await gb.storedFiles()), await assets()];
    const res = await slowRequest('POST', `/api/boxes/${box.id}/upload`, { authorization: `Bearer ${editor.token}`, 'content-type': 'multipart/form-data; boundary=genbox-slow-boundary' }, split(multipart(video), 2), [0, STALL_MS]);
    expect(res.status).toBeNull();
    // no file the cut upload began is left (the finished tus upload's pieces may still be going)
    await expect.poll(async () => (await gb.storedFiles()).filter((f) => !filesBefore.has(f)), { timeout: 5000 }).toEqual([]);
    expect(await assets()).toBe(assetsBefore);
  }, SLOW_TEST_MS);
});
