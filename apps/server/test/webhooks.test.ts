import type { AssetDto, BoxDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../test/simulators/kie.sim.js';
import { type ReplicateSim, startReplicateSim } from '../../../test/simulators/replicate.sim.js';
import { type RunwareSimulator, startRunwareSimulator } from '../../../test/simulators/runware.sim.js';
import type { CallbackPlan } from '../../../test/simulators/shared/index.js';
import { ADMIN, loginAdmin, registerModel } from './faults/fault-kit.js';
import { type TestGenbox, type UserClient, startTestGenbox } from './harness.js';

/**
 * Provider callbacks through the real route (`POST /api/webhooks/:provider/:asset_id`): the first
 * poll is a minute away, so only a verified callback can finish an asset within these tests.
 */
const FIRST_POLL_MS = 60_000;

let gb: TestGenbox;
let admin: UserClient;
let box: BoxDto;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
  admin = await loginAdmin(gb);
  box = await admin.createBox('Callbacks');
});
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
  await gb?.stop();
});

async function history(id: string): Promise<string[]> {
  const rows = await gb.sql('SELECT from_status, to_status FROM asset_events WHERE asset_id = $1 ORDER BY id', [id]);
  return rows.map((r) => `${r.from_status ?? ''}>${r.to_status}`);
}

async function start(modelId: string): Promise<AssetDto> {
  return admin.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: 'a lantern on a pier', ai_model_id: modelId }).ok(202);
}

describe('Replicate callbacks (Standard Webhooks, signed over the raw body)', () => {
  let sim: ReplicateSim;
  let model: string;

  beforeAll(async () => {
    // Prefer: wait is held 5 "seconds" of 50 ms: the create answers while the prediction still runs
    sim = await startReplicateSim({ secondMs: 50 });
    closers.push(() => sim.close());
    model = await registerModel(admin, {
      kind: 'replicate', baseUrl: `${sim.url}/v1`, apiKey: sim.apiKey, slug: 'replicate-hooks', apiEndpoint: 'black-forest-labs/flux-schnell',
      responseMapping: { poll: { interval_ms: FIRST_POLL_MS } }, provider: { webhook_secret: sim.webhookSecret },
    });
  });

  const run = (callbacks: CallbackPlan) => {
    sim.scripts.push({ steps: [{ phase: 'running', ms: 800 }], outcome: 'succeeded', callbacks });
    return start(model);
  };

  it('a signed completed event finishes the asset long before any poll would have', async () => {
    const a = await run('once');
    const done = await admin.settled(a.id, 10_000);
    expect(done).toMatchObject({ status: 'COMPLETED', mime_type: 'image/png' });
    expect(sim.callbacks.filter((c) => c.httpStatus === 200)).not.toHaveLength(0);
    expect(await history(a.id)).toEqual(['>PENDING', 'PENDING>PROCESSING', 'PROCESSING>COMPLETED']);
  });

  it('the same event delivered twice finishes it once', async () => {
    const a = await run('twice');
    expect((await admin.settled(a.id, 10_000)).status).toBe('COMPLETED');
    await new Promise((r) => setTimeout(r, 500));
    expect((await history(a.id)).filter((h) => h.endsWith('>COMPLETED'))).toHaveLength(1);
    expect((await gb.storedFiles()).filter((f) => f.includes(a.id))).toHaveLength(1); // a small PNG is its own thumbnail
  });

  it('an event signed with another secret is refused (401) and changes nothing', async () => {
    const before = sim.callbacks.length;
    const a = await run('bad_signature');
    for (let i = 0; i < 100 && sim.callbacks.length === before; i++) await new Promise((r) => setTimeout(r, 50));
    expect(sim.callbacks.slice(before).map((c) => c.httpStatus)).toEqual([401]);
    await new Promise((r) => setTimeout(r, 500));
    expect((await admin.get<AssetDto>(`/api/assets/${a.id}`).ok()).status).toBe('PROCESSING');
  });
});

describe('Kie.ai callbacks (HMAC of task id and timestamp)', () => {
  let sim: KieSim;
  let model: string;

  beforeAll(async () => {
    sim = await startKieSim();
    closers.push(() => sim.close());
    model = await registerModel(admin, {
      kind: 'kie', baseUrl: sim.url, apiKey: sim.apiKey, slug: 'kie-hooks', apiEndpoint: 'nano-banana-2',
      responseMapping: { poll: { interval_ms: FIRST_POLL_MS } }, provider: { webhook_secret: sim.webhookHmacKey },
    });
  });

  it('a signed callback finishes the asset; a late copy of it is harmless', async () => {
    sim.scripts.push({ steps: [{ phase: 'running', ms: 500 }], outcome: 'succeeded', callbacks: 'twice' });
    const a = await start(model);
    expect(await admin.settled(a.id, 10_000)).toMatchObject({ status: 'COMPLETED', mime_type: 'image/png' });
    await sim.callbacksSettled();
    expect(sim.callbacks.map((c) => c.status)).toEqual([200, 200]);
    expect((await history(a.id)).filter((h) => h.endsWith('>COMPLETED'))).toHaveLength(1);
  });
});

describe('Runware callbacks (unsigned: a hint, confirmed by polling)', () => {
  let sim: RunwareSimulator;
  let model: string;

  beforeAll(async () => {
    sim = await startRunwareSimulator();
    closers.push(() => sim.close());
    model = await registerModel(admin, {
      kind: 'runware', baseUrl: sim.apiUrl, apiKey: sim.apiKey, slug: 'runware-hooks', apiEndpoint: 'google:3@0', modelType: 'VIDEO',
      responseMapping: { poll: { interval_ms: FIRST_POLL_MS } },
    });
  });

  const lastVideo = () => [...sim.videos.entries()].at(-1)!;

  it('a callback makes Genbox poll, and the poll finishes the asset long before the next scheduled one', async () => {
    sim.queueScript({ steps: [{ phase: 'running', ms: 500 }], outcome: 'succeeded', callbacks: 'once' });
    const a = await start(model);
    expect(await admin.settled(a.id, 10_000)).toMatchObject({ status: 'COMPLETED', mime_type: 'video/mp4' });
    expect(sim.callbacks.map((c) => c.status)).toEqual([200]);
  });

  it('a forged "success" naming another video stores nothing while Runware still says processing', async () => {
    sim.queueScript({ steps: [{ phase: 'running', ms: 120_000 }], outcome: 'succeeded' });
    const a = await start(model);
    for (let i = 0; i < 100 && (await admin.get<AssetDto>(`/api/assets/${a.id}`).ok()).status !== 'PROCESSING'; i++) await new Promise((r) => setTimeout(r, 50));
    const [taskUUID, video] = lastVideo();
    const forged = { data: [{ taskType: 'videoInference', taskUUID, status: 'success', videoUUID: 'x', videoURL: 'http://127.0.0.1:9/not-from-runware.mp4' }] };
    const res = await fetch(video.webhookURL!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forged) });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect((await admin.get<AssetDto>(`/api/assets/${a.id}`).ok())).toMatchObject({ status: 'PROCESSING', file_url: null });
    expect((await gb.storedFiles()).filter((f) => f.includes(a.id))).toHaveLength(0);
  });
});
