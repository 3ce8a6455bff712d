import type { AssetDto, BoxDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../test/simulators/kie.sim.js';
import type { SimRequest } from '../../../test/simulators/shared/index.js';
import { FinishStep } from '../src/generation/finish.step.js';
import { ProviderLimiter } from '../src/generation/provider-limiter.js';
import { WorkerProcess } from './faults/fault-kit.js';
import { type TestGenbox, UserClient, connected, insertAsset, joinBox, recordEvents, startTestGenbox, until } from './harness.js';

const ADMIN = { email: 'limits-admin@example.com', password: 'limits-admin-password' };

async function loginAdmin(gb: TestGenbox): Promise<UserClient> {
  const r = await gb.client.post('/api/auth/login', ADMIN).ok();
  return new UserClient(gb.url, r.token, r.user.id, ADMIN.email, 'admin');
}

/** The asset's history as "FROM>TO" strings, oldest first. */
async function history(gb: TestGenbox, assetId: string): Promise<string[]> {
  const rows = await gb.sql<{ from_status: string | null; to_status: string }>('SELECT from_status, to_status FROM asset_events WHERE asset_id = $1 ORDER BY id', [assetId]);
  return rows.map((r) => `${r.from_status ?? ''}>${r.to_status}`);
}

const HAPPY = ['>PENDING', 'PENDING>PROCESSING', 'PROCESSING>COMPLETED'];

/** Most tasks (whose body contains `mark`) open at once at the simulator: from each create to the last status read Genbox made of it. */
function mostOpen(sim: KieSim, mark: string, expectedTasks: number): number {
  const ours = [...sim.tasks.entries()].filter(([, t]) => JSON.stringify(t.body).includes(mark));
  expect(ours).toHaveLength(expectedTasks);
  const edges: [number, number][] = [];
  for (const [taskId, t] of ours) {
    const reads = sim.server.log.filter((r) => r.path === '/api/v1/jobs/recordInfo' && r.query.get('taskId') === taskId);
    expect(reads.length).toBeGreaterThan(0);
    edges.push([t.createdAt, +1], [Math.max(...reads.map((r) => r.at)), -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]); // at the same ms an end counts before a start
  let open = 0;
  let most = 0;
  for (const [, d] of edges) most = Math.max(most, (open += d));
  return most;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('per-provider limits, paused boxes and the finish job (Kie simulator)', () => {
  let gb: TestGenbox;
  let sim: KieSim;
  let admin: UserClient;
  let n = 0;

  beforeAll(async () => {
    [gb, sim] = await Promise.all([
      startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }),
      // the simulator's own limit stays out of the way: Genbox's limiter is what is under test
      startKieSim({ rateLimit: { max: 1_000_000, windowMs: 1000 } }),
    ]);
    admin = await loginAdmin(gb);
  });
  afterAll(async () => {
    await gb?.stop();
    await sim?.close();
  });

  /** A Kie provider on the simulator with these limits, and one image model of it (polled every 100 ms). */
  async function kieModel(limits: { max_concurrency?: number; rate_limit?: { requests: number; per_ms: number } }): Promise<string> {
    const slug = `kie-limits-${++n}`;
    const p = await admin.post('/api/providers', { name: `${slug} provider`, kind: 'kie', base_url: sim.url, api_key: sim.apiKey, allow_private_network: true, ...limits }).ok(201);
    expect(p).toMatchObject({ max_concurrency: limits.max_concurrency ?? 4, rate_limit: limits.rate_limit ?? null });
    const m = await admin.post('/api/models', {
      provider_id: p.id, name: slug, slug, model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'nano-banana-2', parameters_schema: {},
      response_mapping: { poll: { interval_ms: 100 } },
    }).ok(201);
    return m.id;
  }

  async function generate(user: UserClient, boxId: string, modelId: string, prompts: string[], extra: Record<string, unknown> = {}): Promise<AssetDto[]> {
    const out: AssetDto[] = [];
    for (const prompt of prompts) out.push(await user.post(`/api/boxes/${boxId}/generate`, { prompt, ai_model_id: modelId, ...extra }).ok(202));
    return out;
  }

  const creates = (mark: string): SimRequest[] => sim.server.log.filter((r) => r.path === '/api/v1/jobs/createTask' && JSON.stringify(r.json).includes(mark));

  it('an admin sets, changes and clears a provider\'s rate_limit; malformed ones are refused and change nothing', async () => {
    const p = await admin.post('/api/providers', { name: 'rate-admin provider', kind: 'replicate', base_url: sim.url, api_key: 'k', rate_limit: { requests: 5, per_ms: 2000 } }).ok(201);
    expect(p.rate_limit).toEqual({ requests: 5, per_ms: 2000 });
    expect((await admin.patch(`/api/providers/${p.id}`, { rate_limit: { requests: 9, per_ms: 1000 } }).ok()).rate_limit).toEqual({ requests: 9, per_ms: 1000 });
    for (const bad of [{ requests: 0, per_ms: 1000 }, { requests: 5 }, { requests: 5, per_ms: 10 }, { requests: 5, per_ms: 1000, burst: 2 }, 'fast']) {
      const res = await admin.patch(`/api/providers/${p.id}`, { rate_limit: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.message).toContain('rate_limit');
    }
    expect((await admin.get('/api/providers').ok()).items.find((x: { id: string }) => x.id === p.id).rate_limit).toEqual({ requests: 9, per_ms: 1000 });
    // null goes back to the kind's default
    expect((await admin.patch(`/api/providers/${p.id}`, { rate_limit: null }).ok()).rate_limit).toBeNull();
    const [row] = await gb.sql('SELECT rate_limit FROM ai_providers WHERE id = $1', [p.id]);
    expect(row.rate_limit).toBeNull();
    const viewer = await gb.newUser('not-admin');
    expect((await viewer.patch(`/api/providers/${p.id}`, { rate_limit: { requests: 1, per_ms: 1000 } })).status).toBe(403);
  });

  it('max_concurrency 2: ten queued generations never have more than two tasks open at the provider, wait PENDING, and all complete', async () => {
    const model = await kieModel({ max_concurrency: 2, rate_limit: { requests: 1000, per_ms: 1000 } });
    const box = await admin.createBox('Two at a time');
    // each task runs long enough that the ten requests are all in before the first pair is done, even on a busy machine
    for (let i = 0; i < 10; i++) sim.scripts.push({ steps: [{ phase: 'running', ms: 1200 }], outcome: 'succeeded', callbacks: 'none' });
    const prompts = Array.from({ length: 10 }, (_, i) => `conc-${i} a lantern`);
    const started = await generate(admin, box.id, model, prompts);

    // while two run, the rest wait as PENDING (not PROCESSING: nothing was sent for them)
    await sleep(150);
    const sample = await gb.sql<{ status: string }>('SELECT status FROM assets WHERE box_id = $1', [box.id]);
    expect(sample.filter((r) => r.status === 'PENDING').length).toBeGreaterThanOrEqual(6);

    const done = await Promise.all(started.map((a) => admin.settled(a.id, 60_000)));
    expect(done.map((a) => a.status)).toEqual(Array(10).fill('COMPLETED'));
    for (const a of done) expect(await history(gb, a.id)).toEqual(HAPPY);

    expect(mostOpen(sim, 'conc-', 10)).toBe(2);
  }, 90_000);

  it('a burst of 429s with Retry-After: every asset still completes, each retry waited the Retry-After, and none failed', async () => {
    const model = await kieModel({ max_concurrency: 5, rate_limit: { requests: 1000, per_ms: 1000 } });
    const box = await admin.createBox('Rate limited');
    // more 429s per asset than the 6 tries other errors get
    sim.faults.add('createTask', { status: 429, headers: { 'Retry-After': '1' }, body: { code: 429, msg: 'Rate limited: slow down' } }, 14);
    const started = await generate(admin, box.id, model, ['burst-a a harbour', 'burst-b a harbour']);
    const done = await Promise.all(started.map((a) => admin.settled(a.id, 60_000)));
    expect(done.map((a) => a.status)).toEqual(['COMPLETED', 'COMPLETED']);
    for (const a of done) expect(await history(gb, a.id)).toEqual(HAPPY);

    const all = creates('burst-');
    expect(all).toHaveLength(16); // 14 refused + 2 accepted
    const refused = new Set(all.slice(0, 14)); // faults answer the first matching requests, in arrival order
    const perAsset = ['burst-a', 'burst-b'].map((mark) => all.filter((r) => JSON.stringify(r.json).includes(mark)));
    // one asset was refused more often than the 6 tries other errors get, and still completed
    expect(Math.max(...perAsset.map((m) => m.length - 1))).toBeGreaterThan(6);
    for (const mine of perAsset) {
      for (let i = 1; i < mine.length; i++) {
        expect(refused.has(mine[i - 1]!)).toBe(true);
        expect(mine[i]!.at - mine[i - 1]!.at).toBeGreaterThanOrEqual(1000);
      }
    }
  }, 90_000);

  it('a create rate of 3 per second is kept: no second has more than 3 new tasks at the provider', async () => {
    const model = await kieModel({ max_concurrency: 50, rate_limit: { requests: 3, per_ms: 1000 } });
    const box = await admin.createBox('Rate');
    const started = await generate(admin, box.id, model, Array.from({ length: 8 }, (_, i) => `rate-${i} a meadow`));
    const done = await Promise.all(started.map((a) => admin.settled(a.id, 60_000)));
    expect(done.map((a) => a.status)).toEqual(Array(8).fill('COMPLETED'));

    const at = creates('rate-').map((r) => r.at).sort((a, b) => a - b);
    expect(at).toHaveLength(8); // none refused, none sent twice
    // any 4 consecutive creates span at least the window (a few ms of slack for the trip to the simulator)
    for (let i = 3; i < at.length; i++) expect(at[i]! - at[i - 3]!).toBeGreaterThanOrEqual(1000);
    expect(at[7]! - at[0]!).toBeGreaterThanOrEqual(2000);
  }, 60_000);

  it('a paused box keeps its generations PENDING and sends nothing; resuming completes them; both are box.updated events', async () => {
    const model = await kieModel({ max_concurrency: 4 });
    const owner = await gb.newUser('owner');
    const editor = await gb.newUser('editor');
    const viewer = await gb.newUser('viewer');
    const box: BoxDto = await owner.createBox('Pausable');
    expect(box.paused).toBe(false);
    await owner.post(`/api/boxes/${box.id}/members`, { email: editor.email, role: 'editor' }).ok(201);
    await owner.post(`/api/boxes/${box.id}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
    const socket = await connected(viewer.socket());
    try {
      expect((await joinBox(socket, box.id)).ok).toBe(true);
      const events = recordEvents(socket);

      expect((await viewer.post(`/api/boxes/${box.id}/pause`)).status).toBe(403);
      const paused = await editor.post<BoxDto>(`/api/boxes/${box.id}/pause`).ok();
      expect(paused).toMatchObject({ id: box.id, paused: true, role: 'editor' });
      expect((await owner.get<BoxDto>(`/api/boxes/${box.id}`).ok()).paused).toBe(true);
      const pauseEvent = await until(() => events.filter((e) => e.event === 'box.updated'), (l) => l.length === 1, 5000, 'box.updated (paused)');
      expect(pauseEvent[0]!.payload).toMatchObject({ box_id: box.id, box: { id: box.id, paused: true } });
      expect(pauseEvent[0]!.payload.seq).toBe(paused.seq);

      const started = await generate(editor, box.id, model, ['paused-1 a fox', 'paused-2 a fox', 'paused-3 a fox']);
      await sleep(1500);
      for (const a of started) expect((await editor.get<AssetDto>(`/api/assets/${a.id}`).ok()).status).toBe('PENDING');
      expect(creates('paused-')).toHaveLength(0);
      // pausing again changes nothing and tells nobody
      expect((await owner.post<BoxDto>(`/api/boxes/${box.id}/pause`).ok()).paused).toBe(true);

      const resumed = await owner.post<BoxDto>(`/api/boxes/${box.id}/resume`).ok();
      expect(resumed.paused).toBe(false);
      const done = await Promise.all(started.map((a) => editor.settled(a.id, 30_000)));
      expect(done.map((a) => a.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
      for (const a of done) expect(await history(gb, a.id)).toEqual(HAPPY);
      expect(creates('paused-')).toHaveLength(3);

      const boxEvents = events.filter((e) => e.event === 'box.updated');
      expect(boxEvents.map((e) => e.payload.box.paused)).toEqual([true, false]);
      expect(boxEvents[1]!.payload.seq).toBe(resumed.seq);
    } finally {
      socket.disconnect();
    }
  }, 60_000);

  it('the finish job run twice, at once and again afterwards, completes the asset once and keeps one copy', async () => {
    const owner = await gb.newUser('finisher');
    const box = await owner.createBox('Finish twice');
    const assetId = await insertAsset(gb, box.id, owner.id, { status: 'PROCESSING', external_task_id: 'task-finish', attempts: 1, started_at: new Date() });
    const url = sim.url + sim.files.putSample('png');
    const finisher = gb.app.get(FinishStep);
    const data = { assetId, assetAttempt: 1, source: { url }, providerName: 'Kie sim', allowPrivateNetwork: true };

    await Promise.all([finisher.finish(data), finisher.finish(data)]);
    await finisher.finish(data); // Bull running it again after a lost lock: nothing left to do

    expect(await history(gb, assetId)).toEqual(['PROCESSING>COMPLETED']); // the fixture row starts PROCESSING, with no history
    const asset = await owner.get<AssetDto>(`/api/assets/${assetId}`).ok();
    expect(asset).toMatchObject({ status: 'COMPLETED', mime_type: 'image/png' });
    expect((await fetch(asset.file_url!)).status).toBe(200);
    // the losing run removed its own copy: only what the row names remains (a picture this small is its own thumbnail)
    const [row] = await gb.sql('SELECT storage_key, thumbnail_key FROM assets WHERE id = $1', [assetId]);
    expect((await gb.storedFiles()).filter((f) => f.includes(assetId)).sort()).toEqual([...new Set([row.storage_key, row.thumbnail_key])].sort());
  }, 30_000);

  it('bytes from a sync provider are staged in storage, not carried in Redis, and the staging copy is gone once stored', async () => {
    const owner = await gb.newUser('stager');
    const box = await owner.createBox('Staging');
    const image = await owner.model('local-image');
    const done = await owner.settled((await owner.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: 'a staged kite', ai_model_id: image.id }).ok(202)).id);
    expect(done.status).toBe('COMPLETED');
    expect(await history(gb, done.id)).toEqual(HAPPY);
    expect((await gb.storedFiles()).filter((f) => f.startsWith('staging/'))).toEqual([]);
  }, 30_000);
});

describe('priority (one job at a time: WORKER_CONCURRENCY=1)', () => {
  let gb: TestGenbox;
  let alice: UserClient;
  let model: string;

  beforeAll(async () => {
    gb = await startTestGenbox({ WORKER_CONCURRENCY: '1', LOCAL_PROVIDER_DELAY_MS: '400' });
    alice = await gb.newUser('alice');
    model = (await alice.model('local-image')).id;
  });
  afterAll(() => gb?.stop());

  const startedAt = async (ids: string[]) => {
    const rows = await gb.sql<{ id: string; started_at: Date }>('SELECT id, started_at FROM assets WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((r) => [r.id, r.started_at.getTime()]));
  };
  const gen = (boxId: string, prompt: string, priority?: number) =>
    alice.post<AssetDto>(`/api/boxes/${boxId}/generate`, { prompt, ai_model_id: model, ...(priority ? { priority } : {}) }).ok(202);

  it('a higher-priority generation queued behind lower ones starts before them', async () => {
    const box = await alice.createBox('Priority');
    const busy = await gen(box.id, 'keeps the worker busy', 50);
    while ((await alice.get<AssetDto>(`/api/assets/${busy.id}`).ok()).status === 'PENDING') await sleep(10);
    const low1 = await gen(box.id, 'low one', 50);
    const low2 = await gen(box.id, 'low two', 50);
    const high = await gen(box.id, 'urgent', 1);
    const done = await Promise.all([busy, low1, low2, high].map((a) => alice.settled(a.id, 30_000)));
    expect(done.map((a) => a.status)).toEqual(Array(4).fill('COMPLETED'));
    const at = await startedAt(done.map((a) => a.id));
    expect(at.get(high.id)!).toBeLessThan(at.get(low1.id)!);
    expect(at.get(high.id)!).toBeLessThan(at.get(low2.id)!);
  }, 40_000);

  it('resuming a paused box submits its generations by priority, then age', async () => {
    const box = await alice.createBox('Paused priority');
    await alice.post(`/api/boxes/${box.id}/pause`).ok();
    const none = await gen(box.id, 'no priority');
    const lowA = await gen(box.id, 'low a', 60);
    const lowB = await gen(box.id, 'low b', 60);
    const high = await gen(box.id, 'high', 2);
    await sleep(300);
    expect(await gb.sql(`SELECT 1 FROM assets WHERE box_id = $1 AND status <> 'PENDING'`, [box.id])).toEqual([]);
    await alice.post(`/api/boxes/${box.id}/resume`).ok();
    const done = await Promise.all([none, lowA, lowB, high].map((a) => alice.settled(a.id, 30_000)));
    expect(done.map((a) => a.status)).toEqual(Array(4).fill('COMPLETED'));
    const at = await startedAt(done.map((a) => a.id));
    const order = [...at.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    expect(order).toEqual([high.id, lowA.id, lowB.id, none.id]);
  }, 40_000);
});

describe('limits across worker processes (built dist/main.js)', () => {
  let gb: TestGenbox;
  let sim: KieSim;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    [gb, sim] = await Promise.all([
      // stalled jobs of a killed worker come back within ~3 s
      startTestGenbox({ ROLE: 'api', GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password, QUEUE_LOCK_DURATION_MS: '2000', QUEUE_STALLED_INTERVAL_MS: '1000' }),
      startKieSim({ rateLimit: { max: 1_000_000, windowMs: 1000 } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await gb?.stop();
    await sim?.close();
  });

  it('two workers share max_concurrency 2; one SIGKILLed mid-run leaks no slot and every asset completes', async () => {
    const admin = await loginAdmin(gb);
    const p = await admin.post('/api/providers', { name: 'kie-procs', kind: 'kie', base_url: sim.url, api_key: sim.apiKey, allow_private_network: true, max_concurrency: 2, rate_limit: { requests: 1000, per_ms: 1000 } }).ok(201);
    const m = await admin.post('/api/models', {
      provider_id: p.id, name: 'kie-procs', slug: 'kie-procs', model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'nano-banana-2', parameters_schema: {},
      response_mapping: { poll: { interval_ms: 100 } },
    }).ok(201);
    workers.push(await WorkerProcess.start(gb), await WorkerProcess.start(gb));
    const box = await admin.createBox('Two processes');
    for (let i = 0; i < 8; i++) sim.scripts.push({ steps: [{ phase: 'running', ms: 500 }], outcome: 'succeeded', callbacks: 'none' });
    const started: AssetDto[] = [];
    for (let i = 0; i < 8; i++) started.push(await admin.post(`/api/boxes/${box.id}/generate`, { prompt: `procs-${i} a kite`, ai_model_id: m.id }).ok(202));

    await sleep(900);
    await workers[0]!.kill('SIGKILL');
    workers.push(await WorkerProcess.start(gb));

    const done = await Promise.all(started.map((a) => admin.settled(a.id, 60_000)));
    expect(done.map((a) => a.status)).toEqual(Array(8).fill('COMPLETED'));
    for (const a of done) expect(await history(gb, a.id)).toEqual(HAPPY);
    expect(mostOpen(sim, 'procs-', 8)).toBeLessThanOrEqual(2);
    // every slot came back: none held by the dead worker
    expect(await gb.app.get(ProviderLimiter).inFlight(p.id)).toEqual([]);
  }, 90_000);
});
