import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AssetDto, BoxDto, ModelDto } from '@genbox/contracts';
import { Redis } from 'ioredis';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Received, type TestGenbox, type UserClient, carriesSeq, connected, freePort, joinBox, pngBytes, recordEvents, startTestGenbox, until } from './harness.js';

/** The built server (`npm run build`): the same start command operators use, here with ROLE=worker. */
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

let gb: TestGenbox;
let worker: ChildProcess | null = null;
let workerOutput = '';
let alice: UserClient;
let box: BoxDto;
let socket: Socket;
let heard: Received[];

/** Starts `node dist/main.js` with the API's environment but ROLE=worker, and waits for its ready line. */
async function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...gb.env, ROLE: 'worker', PORT: String(await freePort()), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (workerOutput += d));
  child.stderr!.on('data', (d) => (workerOutput += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not start in 30 s:\n${workerOutput}`)), 30_000);
    child.stdout!.on('data', () => {
      if (/Genbox worker is up/.test(workerOutput)) clearTimeout(timer), resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited with ${code} before it was up:\n${workerOutput}`));
    });
  });
  return child;
}

async function stopWorker(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Redis keys that name the asset: its Bull jobs (a job is a hash under `<prefix>:generation:<job id>`). */
async function redisKeysOf(assetId: string): Promise<string[]> {
  const redis = new Redis(gb.env.REDIS_URL!);
  try {
    return (await redis.keys(`${gb.env.REDIS_PREFIX}:*${assetId}*`)).sort();
  } finally {
    redis.disconnect();
  }
}

const finished = (got: Received[], id: string) => got.some((r) => r.payload?.asset?.id === id && ['COMPLETED', 'FAILED'].includes(r.payload.asset.status));

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test builds first)`);
  gb = await startTestGenbox({ ROLE: 'api' });
  alice = await gb.newUser('alice');
  box = await alice.createBox('Scaled out');
  socket = await connected(alice.socket());
  heard = recordEvents(socket);
  expect(await joinBox(socket, box.id)).toMatchObject({ ok: true });
});
afterAll(async () => {
  socket?.disconnect();
  await stopWorker(worker);
  await gb?.stop();
});

describe('a worker in its own process', () => {
  let waiting: AssetDto;

  it('an API without a worker accepts a generation and leaves it PENDING', async () => {
    const image = await alice.model('local-image');
    waiting = await alice.post(`/api/boxes/${box.id}/generate`, { prompt: 'queued', ai_model_id: image.id, generation_config: { aspect_ratio: '4:3' } }).ok(202);
    await new Promise((r) => setTimeout(r, 600));
    expect((await alice.get(`/api/assets/${waiting.id}`).ok()).status).toBe('PENDING');
    expect(heard.filter((r) => r.payload?.asset?.id === waiting.id).map((r) => r.event)).toEqual(['asset.created']);
    // its job waits in Redis under the asset's own id (a second enqueue of it adds nothing)
    expect(await redisKeysOf(waiting.id)).toEqual([`${gb.env.REDIS_PREFIX}:generation:${waiting.id}`]);
  });

  it('a worker process started later picks the generation up, and the API\'s sockets see it finish', async () => {
    worker = await startWorker();
    await until(() => heard, (g) => finished(g, waiting.id), 20_000, 'COMPLETED from the worker');
    const statuses = heard.filter((r) => r.payload?.asset?.id === waiting.id).map((r) => `${r.event}:${r.payload.asset.status}`);
    expect(statuses[0]).toBe('asset.created:PENDING');
    expect(statuses).toContain('asset.updated:PROCESSING');
    expect(statuses.at(-1)).toBe('asset.updated:COMPLETED');

    const done = await alice.get<AssetDto>(`/api/assets/${waiting.id}`).ok();
    expect(done).toMatchObject({ status: 'COMPLETED', mime_type: 'image/png' });
    expect(done.width! / done.height!).toBeCloseTo(4 / 3, 1);
    // the worker stored the bytes where the API serves them from
    const file = await fetch(done.file_url!);
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBe(done.size_bytes);
    // and once done, nothing of its jobs is left in Redis: the asset row is the record
    expect(await redisKeysOf(waiting.id)).toEqual([]);
  });

  it('the worker animates an image uploaded through the API, and every seq reaches the socket in order', async () => {
    const start = heard.filter(carriesSeq).length;
    const parent = await alice.upload(box.id, await pngBytes(320, 240), 'still.png').ok(201);
    const animate: ModelDto = await alice.model('local-animate');
    const clip = await alice.post(`/api/boxes/${box.id}/generate`, { prompt: 'drift', ai_model_id: animate.id, parent_asset_id: parent.id, generation_config: { duration: 2 } }).ok(202);
    await until(() => heard, (g) => finished(g, clip.id), 30_000, 'the clip to finish');
    const done = await alice.get<AssetDto>(`/api/assets/${clip.id}`).ok();
    expect(done, workerOutput).toMatchObject({ status: 'COMPLETED', type: 'VIDEO', mime_type: 'video/mp4', source_type: 'IMG2VID' });

    const seqs = heard.filter(carriesSeq).map((r) => r.payload.seq);
    const trail = heard.filter(carriesSeq).map((r) => `${r.payload.seq} ${r.event} ${r.payload.asset?.status} ${r.payload.asset?.progress}`);
    expect(seqs, trail.join('\n')).toEqual(seqs.map((_, i) => seqs[0] + i));
    expect(seqs.length).toBeGreaterThan(start);
    expect(worker!.exitCode).toBeNull();
  });
});
