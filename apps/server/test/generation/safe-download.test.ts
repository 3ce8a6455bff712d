import { blockedAddressReason, isRetryable, type NetworkPolicy, ProviderError } from '@genbox/providers';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { LocalStorageDriver } from '../../src/storage/local.driver.js';
import type { DownloadPace } from '../../src/generation/download-watch.js';
import { downloadToStorage, type DownloadOptions } from '../../src/generation/safe-download.js';
import { bytesStartingWith, filesUnder, hex, image, VIDEO_HEADS } from '../storage/fixtures.js';

const MB = 1024 * 1024;
let server: Server;
let base: string;
let port: number;
let dir: string;
let storage: LocalStorageDriver;
let png: Buffer;
/** Paths the provider stand-in was asked for, bytes it managed to send on /endless, and the slow hosts' hang-ups. */
const seen = { paths: [] as string[], endlessSent: 0, slowClosed: 0 };

/** Streams `chunks` with backpressure, stopping when the client hangs up. */
async function stream(res: ServerResponse, chunks: AsyncIterable<Buffer>, onChunk = (_n: number) => {}) {
  for await (const c of chunks) {
    if (res.destroyed) return;
    onChunk(c.length);
    if (!res.write(c)) {
      await new Promise<void>((resolve) => {
        const go = () => (res.off('drain', go), res.off('close', go), resolve());
        res.on('drain', go).on('close', go);
      });
    }
  }
  res.end();
}

beforeAll(async () => {
  png = await image('png', 48);
  dir = await mkdtemp(join(tmpdir(), 'genbox-download-'));
  storage = new LocalStorageDriver(dir);
  await storage.init();
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    seen.paths.push(url.pathname);
    switch (url.pathname) {
      case '/result.png':
        return res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': png.length }).end(png);
      case '/result.mp4':
        return void stream(res.writeHead(200, { 'content-type': 'video/mp4' }), bytesStartingWith(hex(VIDEO_HEADS.mp4), 3 * MB));
      case '/endless.png': // chunked, no length announced: only the running count can stop it
        return void stream(res.writeHead(200, { 'content-type': 'image/png' }), bytesStartingWith(png, 64 * MB), (n) => (seen.endlessSent += n));
      case '/trickle.png': { // headers, then one byte every 100 ms, for ever
        res.writeHead(200, { 'content-type': 'image/png' }).flushHeaders();
        let at = 0;
        const timer = setInterval(() => res.write(png.subarray(at % png.length, (at++ % png.length) + 1)), 100);
        res.once('close', () => (clearInterval(timer), seen.slowClosed++));
        return;
      }
      case '/paced.png': { // 64 KB every 50 ms (1.3 MB/s), for ever: never too slow, never done
        res.writeHead(200, { 'content-type': 'image/png' }).write(png);
        const timer = setInterval(() => res.write(Buffer.alloc(64 * 1024)), 50);
        res.once('close', () => (clearInterval(timer), seen.slowClosed++));
        return;
      }
      case '/declared-huge.png':
        return res.writeHead(200, { 'content-type': 'image/png', 'content-length': 50 * MB }).end(png);
      case '/error-page.png':
        return res.writeHead(200, { 'content-type': 'image/png' }).end('<!DOCTYPE html><html><body>Rate limited</body></html>');
      case '/redirect':
        return res.writeHead(302, { location: url.searchParams.get('to')! }).end();
      case '/loop':
        return res.writeHead(302, { location: '/loop' }).end();
      case '/busy':
        return res.writeHead(503).end('try later');
      default: {
        const status = Number(url.pathname.slice(1));
        return res.writeHead(status || 404).end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      }
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  seen.paths.length = 0;
  seen.endlessSent = 0;
  seen.slowClosed = 0;
});

/** What an install runs with when nothing is set. */
const DEFAULT_PACE: DownloadPace = loadConfig({}).resultDownload;

const download = (url: string, opts: Partial<DownloadOptions> = {}) =>
  downloadToStorage(url, { maxBytes: 10 * MB, allowPrivateNetwork: true, storage, key: 'results/r1.bin', pace: DEFAULT_PACE, ...opts });

/** Resolves to the ProviderError the download failed with. */
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected the download to fail'); }, (e) => e as ProviderError);

/** Treats 127.0.0.1 as if it were a public host, so redirects from it to internal addresses can be tried. */
const loopbackIsPublic: NetworkPolicy = { allowHttp: true, blockedReason: (ip) => (ip === '127.0.0.1' ? null : blockedAddressReason(ip)) };

describe('downloading a provider result into storage', () => {
  it('stores a result from a private-network provider when that is allowed', async () => {
    const result = await download(`${base}/result.png`);
    expect(result).toEqual({ mimeType: 'image/png', type: 'IMAGE', sizeBytes: png.length });
    const got = await storage.get('results/r1.bin');
    expect((await buffer(got.stream)).equals(png)).toBe(true);
    await storage.delete('results/r1.bin');
  });

  it.each([`https://localhost:PORT/result.png`, `https://127.0.0.1:PORT/result.png`, `https://[::1]:PORT/result.png`, `https://[::ffff:127.0.0.1]:PORT/result.png`])(
    'refuses the loopback address %s without even connecting',
    async (url) => {
      const err = await failure(download(url.replace('PORT', String(port)), { allowPrivateNetwork: false }));
      expect(err.code).toBe('result_blocked_address');
      expect(err.message).toMatch(/loopback/);
      expect(seen.paths).toEqual([]);
    },
  );

  it('refuses plain http unless the provider allows its private network', async () => {
    const err = await failure(download('http://cdn.example.com/result.png', { allowPrivateNetwork: false }));
    expect(err.code).toBe('result_blocked_address');
    expect(err.message).toMatch(/only https/);
  });

  it.each(['http://169.254.169.254/latest/meta-data/iam/', 'http://10.0.0.5/result.png', 'http://[fd00:ec2::254]/latest/', 'http://[::ffff:192.168.0.1]/x.png'])(
    'refuses a redirect to the internal address %s',
    async (target) => {
      const err = await failure(download(`${base}/redirect?to=${encodeURIComponent(target)}`, { policy: loopbackIsPublic }));
      expect(err.code).toBe('result_blocked_address');
      expect(seen.paths).toEqual(['/redirect']);
      expect(await filesUnder(dir)).toEqual([]);
    },
  );

  it('follows a redirect to an allowed address, but not forever', async () => {
    const ok = await download(`${base}/redirect?to=${encodeURIComponent('/result.png')}`, { policy: loopbackIsPublic });
    expect(ok.mimeType).toBe('image/png');
    await storage.delete('results/r1.bin');
    const err = await failure(download(`${base}/loop`, { policy: loopbackIsPublic }));
    expect(err.code).toBe('provider_bad_response');
    expect(seen.paths.filter((p) => p === '/loop')).toHaveLength(6); // the first request and 5 redirects
  });

  it('stops a result that passes the size cap mid-stream and keeps nothing', async () => {
    const err = await failure(download(`${base}/endless.png`, { maxBytes: 2 * MB }));
    expect(err.code).toBe('result_too_large');
    expect(err.message).toMatch(/2 MB limit/);
    expect(await filesUnder(dir)).toEqual([]);
    await expect.poll(() => seen.endlessSent).toBeGreaterThan(2 * MB);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.endlessSent).toBeLessThan(8 * MB); // the connection was dropped, not read to 64 MB
  });

  it('refuses a result whose announced size is over the cap before downloading it', async () => {
    const err = await failure(download(`${base}/declared-huge.png`, { maxBytes: 10 * MB }));
    expect(err.code).toBe('result_too_large');
    expect(await filesUnder(dir)).toEqual([]);
  });

  it('judges the type by the bytes, not by what the server claims', async () => {
    const html = await failure(download(`${base}/error-page.png`));
    expect(html.code).toBe('result_unsupported_type');
    const video = await failure(download(`${base}/result.mp4`, { allowedTypes: ['IMAGE'] }));
    expect(video.code).toBe('result_unsupported_type');
    expect(video.message).toMatch(/video\/mp4.*image/);
    expect(await filesUnder(dir)).toEqual([]);
  });

  it.each([410, 403, 404])('says the result link expired on HTTP %i, without retrying', async (status) => {
    const err = await failure(download(`${base}/${status}`));
    expect(err.code).toBe('result_expired');
    expect(err.message).toMatch(/result link expired/);
    expect(isRetryable(err)).toBe(false);
  });

  it('retries later when the provider is down or unreachable', async () => {
    const busy = await failure(download(`${base}/busy`));
    expect(busy.code).toBe('provider_unavailable');
    expect(isRetryable(busy)).toBe(true);
    const closed = await failure(download('http://127.0.0.1:1/result.png'));
    expect(closed.code).toBe('provider_network');
    expect(isRetryable(closed)).toBe(true);
  });

  it('stops and keeps nothing when the generation is cancelled mid-download', async () => {
    const ctrl = new AbortController();
    const pending = download(`${base}/endless.png`, { maxBytes: 100 * MB, signal: ctrl.signal });
    await expect.poll(() => seen.endlessSent).toBeGreaterThan(MB);
    ctrl.abort(new Error('canceled by user'));
    await expect(pending).rejects.toThrow('canceled by user');
    expect(await filesUnder(dir)).toEqual([]);
  });
});

// These pass a small pace explicitly: they test the watch and the download's clean-up, not the
// defaults, which a full generation against a trickling simulator host checks
// (apps/server/test/faults/slow-result-host.test.ts).
describe('a result host too slow to finish', () => {
  it('is cut as too slow once a window has passed under the minimum, its socket closed and nothing kept', async () => {
    const err = await failure(download(`${base}/trickle.png`, { pace: { deadlineMs: 60_000, minBytesPerSecond: 1024, rateWindowMs: 1000 } }));
    expect(err.code).toBe('result_too_slow');
    expect(err.message).toMatch(/^The result download from 127\.0\.0\.1:\d+ was too slow: \d+ bytes in the last 1 s, under the minimum of 1 KB\/s \(RESULT_DOWNLOAD_MIN_BYTES_PER_S\)/);
    expect(isRetryable(err)).toBe(false); // a retry would hold a worker slot just as long
    await expect.poll(() => seen.slowClosed).toBe(1);
    expect(await filesUnder(dir)).toEqual([]);
  });

  it('is cut at the deadline even when it keeps a good pace', async () => {
    const err = await failure(download(`${base}/paced.png`, { maxBytes: 1024 * MB, pace: { deadlineMs: 2000, minBytesPerSecond: 1024, rateWindowMs: 1000 } }));
    expect(err.code).toBe('result_too_slow');
    expect(err.message).toMatch(/passed its deadline: not finished after 2 s \(RESULT_DOWNLOAD_DEADLINE_MS\), [\d.]+ MB received/);
    await expect.poll(() => seen.slowClosed).toBe(1);
    expect(await filesUnder(dir)).toEqual([]);
  });

  it('defaults to a pace that lets a 5 GB result through on an ordinary link', () => {
    // 5 GB within the deadline needs about 23 Mbit/s; the slowest pace allowed is far below any real link
    expect(DEFAULT_PACE).toEqual({ deadlineMs: 30 * 60_000, minBytesPerSecond: 32 * 1024, rateWindowMs: 20_000 });
    expect((5 * 1024 ** 3 * 8) / (DEFAULT_PACE.deadlineMs / 1000) / 1e6).toBeLessThan(25);
  });
});
