import type { AssetDto, BoxDto, CreditsDto, CreditsChangedEvent } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../test/simulators/kie.sim.js';
import { startReplicateSim } from '../../../test/simulators/replicate.sim.js';
import { startRunwareSimulator } from '../../../test/simulators/runware.sim.js';
import { ADMIN, WorkerProcess, loginAdmin } from './faults/fault-kit.js';
import { ApiClient, type TestGenbox, UserClient, connected, freePort, startTestGenbox, until } from './harness.js';

let gb: TestGenbox;
let admin: UserClient;
let sim: KieSim;
/** A model that costs 5 credits a run, on the Kie simulator (polled every 50 ms). */
let paid: string;
const extra: WorkerProcess[] = [];

beforeAll(async () => {
  gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
  admin = await loginAdmin(gb);
  sim = await startKieSim();
  const p = await admin.post('/api/providers', { name: 'kie credits', kind: 'kie', base_url: sim.url, api_key: sim.apiKey, allow_private_network: true, max_concurrency: 50 }).ok(201);
  paid = (await admin.post('/api/models', {
    provider_id: p.id, name: 'Paid', slug: 'paid', model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'nano-banana-2', parameters_schema: {}, cost: 5,
    response_mapping: { poll: { interval_ms: 50 } },
  }).ok(201)).id;
});
afterAll(async () => {
  await Promise.all(extra.map((p) => p.kill('SIGTERM')));
  await sim?.close();
  await gb?.stop();
});

const credits = (u: ApiClient) => u.get<CreditsDto>('/api/credits').ok();
const grant = (to: UserClient, amount: number, note?: string) => admin.post('/api/admin/credits', { user_id: to.id, amount, note }).ok(201);
const generate = (u: UserClient, box: BoxDto, body: Record<string, unknown> = {}) =>
  u.post(`/api/boxes/${box.id}/generate`, { prompt: 'a paper boat', ai_model_id: paid, ...body });

describe('balances and grants', () => {
  it('a new user has no credits; an admin grant shows in the balance, in /me and in the ledger', async () => {
    const u = await gb.newUser('grantee');
    expect(await credits(u)).toMatchObject({ user_id: u.id, balance: 0, held: 0, items: [] });
    const granted = await admin.post('/api/admin/credits', { email: u.email.toUpperCase(), amount: 25, note: 'welcome' }).ok(201);
    expect(granted).toMatchObject({ user_id: u.id, balance: 25, entry: { kind: 'grant', amount: 25, balance_after: 25, note: 'welcome', granted_by: admin.id } });
    expect((await u.get('/api/auth/me').ok()).user.credits).toBe(25);
    expect((await credits(u)).items.map((e) => [e.kind, e.amount, e.balance_after])).toEqual([['grant', 25, 25]]);
  });

  it('only admins grant or read someone else\'s credits; bad grants are 400/409 naming the problem and change nothing', async () => {
    const u = await gb.newUser('plain');
    const other = await gb.newUser('other');
    expect((await u.post('/api/admin/credits', { user_id: u.id, amount: 100 })).status).toBe(403);
    expect((await u.get(`/api/credits?user_id=${other.id}`)).status).toBe(403);
    const noAmount = await admin.post('/api/admin/credits', { user_id: u.id });
    expect(noAmount).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    expect(noAmount.body.message).toContain('amount');
    expect((await admin.post('/api/admin/credits', { user_id: u.id, email: u.email, amount: 1 })).body.message).toContain('exactly one of user_id or email');
    expect((await admin.post('/api/admin/credits', { email: 'nobody@example.com', amount: 1 })).status).toBe(404);
    await grant(u, 3);
    const below = await admin.post('/api/admin/credits', { user_id: u.id, amount: -4 });
    expect(below).toMatchObject({ status: 409 });
    expect(below.body.message).toContain('has 3 credits');
    expect(await credits(u)).toMatchObject({ balance: 3 });
    expect((await admin.get<CreditsDto>(`/api/credits?user_id=${u.id}`).ok()).balance).toBe(3);
  });

  it('the owner\'s sockets hear credits.changed when a grant lands', async () => {
    const u = await gb.newUser('listener');
    const s = await connected(u.socket());
    const got: CreditsChangedEvent[] = [];
    s.on('credits.changed', (e: CreditsChangedEvent) => got.push(e));
    await grant(u, 7);
    await until(() => got, (g) => g.length > 0, 5000, 'credits.changed');
    expect(got[0]).toEqual({ user_id: u.id, balance: 7, held: 0 });
    s.disconnect();
  });
});

describe('the balance, live', () => {
  it('a hold, its release on delete and a capture on completion each reach the owner\'s sockets', async () => {
    const u = await gb.newUser('watcher');
    const box = await u.createBox();
    await grant(u, 20);
    const s = await connected(u.socket());
    const got: CreditsChangedEvent[] = [];
    s.on('credits.changed', (e: CreditsChangedEvent) => got.push(e));
    await u.post(`/api/boxes/${box.id}/pause`).ok();
    const waiting = await generate(u, box).ok(202) as AssetDto;
    await until(() => got, (g) => g.some((e) => e.held === 5), 5000, 'the hold');
    await u.delete(`/api/assets/${waiting.id}`);
    await until(() => got, (g) => g.at(-1)?.balance === 20 && g.at(-1)?.held === 0, 5000, 'the release');
    await u.post(`/api/boxes/${box.id}/resume`).ok();
    const run = await generate(u, box).ok(202) as AssetDto;
    expect((await u.settled(run.id)).status).toBe('COMPLETED');
    await until(() => got, (g) => g.at(-1)?.balance === 15 && g.at(-1)?.held === 0, 5000, 'the capture');
    s.disconnect();
  });
});

describe('generations hold, capture and release', () => {
  it('a generation holds cost × count at submit, and COMPLETED captures it', async () => {
    const u = await gb.newUser('spender');
    const box = await u.createBox();
    await grant(u, 12);
    const { items } = await generate(u, box, { count: 2 }).ok(202) as { items: AssetDto[] };
    const during = await credits(u);
    expect(during.balance).toBe(2);
    for (const a of items) expect((await u.settled(a.id)).status).toBe('COMPLETED');
    const settled = await credits(u);
    expect(settled).toMatchObject({ balance: 2, held: 0 });
    const kinds = settled.items.map((e) => `${e.kind}:${e.amount}`).sort();
    expect(kinds).toEqual(['capture:5', 'capture:5', 'grant:12', 'hold:5', 'hold:5']);
    expect(new Set(settled.items.filter((e) => e.kind !== 'grant').map((e) => e.asset_id))).toEqual(new Set(items.map((a) => a.id)));
  });

  it('a short balance answers 402 with the balance and the cost, and creates nothing', async () => {
    const u = await gb.newUser('short');
    const box = await u.createBox();
    await grant(u, 8);
    const r = await generate(u, box, { count: 2 });
    expect(r.status).toBe(402);
    expect(r.body).toMatchObject({ statusCode: 402, error: 'insufficient_credits', balance: 8, cost: 10 });
    expect((await u.get(`/api/boxes/${box.id}/assets`).ok()).items).toEqual([]);
    expect(await credits(u)).toMatchObject({ balance: 8, held: 0 });
  });

  it('FAILED and CANCELED give the held credits back; a retry holds them again', async () => {
    const u = await gb.newUser('unlucky');
    const box = await u.createBox();
    await grant(u, 10);
    sim.scripts.push({ steps: [{ phase: 'running', polls: 1 }], outcome: 'failed', failMessage: 'content policy' });
    const failed = await generate(u, box).ok(202) as AssetDto;
    expect((await u.settled(failed.id)).status).toBe('FAILED');
    expect(await credits(u)).toMatchObject({ balance: 10, held: 0 });

    await u.post(`/api/boxes/${box.id}/pause`).ok();
    const waiting = await generate(u, box).ok(202) as AssetDto;
    expect(await credits(u)).toMatchObject({ balance: 5, held: 5 });
    await u.post(`/api/assets/${waiting.id}/cancel`).ok();
    expect(await credits(u)).toMatchObject({ balance: 10, held: 0 });

    await u.post(`/api/assets/${waiting.id}/retry`).ok(202);
    expect(await credits(u)).toMatchObject({ balance: 5, held: 5 });
    await u.delete(`/api/assets/${waiting.id}`);
    expect(await credits(u)).toMatchObject({ balance: 10, held: 0 });

    const ledger = (await credits(u)).items.reverse().map((e) => `${e.kind}:${e.balance_after}`);
    expect(ledger).toEqual(['grant:10', 'hold:5', 'release:10', 'hold:5', 'release:10', 'hold:5', 'release:10']);
  });

  it('a retry with too little left is 402 and leaves the asset FAILED', async () => {
    const u = await gb.newUser('retry-short');
    const box = await u.createBox();
    await grant(u, 5);
    sim.scripts.push({ steps: [{ phase: 'running', polls: 1 }], outcome: 'failed' });
    const a = await generate(u, box).ok(202) as AssetDto;
    expect((await u.settled(a.id)).status).toBe('FAILED');
    await admin.post('/api/admin/credits', { user_id: u.id, amount: -3 }).ok(201);
    const r = await u.post(`/api/assets/${a.id}/retry`);
    expect(r).toMatchObject({ status: 402, body: { balance: 2, cost: 5 } });
    expect((await u.get<AssetDto>(`/api/assets/${a.id}`).ok()).status).toBe('FAILED');
  });
});

describe('provider-reported cost, Runware', () => {
  it('Runware\'s own cost (USD, asked for with includeCost) is kept on the capture', async () => {
    const u = await gb.newUser('runware-payer');
    const box = await u.createBox();
    await grant(u, 10);
    const rw = await startRunwareSimulator();
    try {
      const p = await admin.post('/api/providers', { name: 'runware costed', kind: 'runware', base_url: rw.apiUrl, api_key: rw.apiKey, allow_private_network: true }).ok(201);
      const model = (await admin.post('/api/models', {
        provider_id: p.id, name: 'Flux schnell', slug: 'runware-costed', model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'runware:100@1', parameters_schema: {}, cost: 2,
        response_mapping: { poll: { interval_ms: 50 } },
      }).ok(201)).id;
      const a = await generate(u, box, { ai_model_id: model }).ok(202) as AssetDto;
      expect((await u.settled(a.id)).status).toBe('COMPLETED');
      const capture = (await credits(u)).items.find((e) => e.kind === 'capture' && e.asset_id === a.id);
      expect(capture).toMatchObject({ amount: 2, provider_cost: 0.0013, provider_cost_unit: 'usd' });
    } finally {
      await rw.close();
    }
  });
});

describe('deleting while others finish', () => {
  it('deleting a held generation while another of the same user settles never fails or double-refunds', async () => {
    const u = await gb.newUser('deleter');
    const box = await u.createBox();
    await grant(u, 400);
    await u.post(`/api/boxes/${box.id}/pause`).ok();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [a, b] = await Promise.all([generate(u, box).ok(202), generate(u, box).ok(202)]) as AssetDto[];
      const [del, cancel] = await Promise.all([u.delete(`/api/assets/${a!.id}`), u.post(`/api/assets/${b!.id}/cancel`)]);
      statuses.push(del.status, cancel.status);
    }
    expect(statuses.filter((s) => s !== 204 && s !== 200)).toEqual([]);
    expect(await credits(u)).toMatchObject({ balance: 400, held: 0 });
  }, 60_000);
});

describe('provider-reported cost', () => {
  it('what the provider says a run cost is kept beside ours: Kie credits from its signed callback, Replicate predict seconds from the prediction', async () => {
    const u = await gb.newUser('analyst');
    const box = await u.createBox();
    await grant(u, 20);
    // Kie: only the callback says what it cost, so this provider verifies callbacks
    const kp = await admin.post('/api/providers', { name: 'kie costed', kind: 'kie', base_url: sim.url, api_key: sim.apiKey, allow_private_network: true, webhook_secret: sim.webhookHmacKey }).ok(201);
    const kieModel = (await admin.post('/api/models', {
      provider_id: kp.id, name: 'Kie costed', slug: 'kie-costed', model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'nano-banana-2', parameters_schema: {}, cost: 4,
      response_mapping: { poll: { interval_ms: 60_000 } },
    }).ok(201)).id;
    const rsim = await startReplicateSim({ secondMs: 20 });
    try {
      const rp = await admin.post('/api/providers', { name: 'replicate costed', kind: 'replicate', base_url: `${rsim.url}/v1`, api_key: rsim.apiKey, allow_private_network: true }).ok(201);
      const repModel = (await admin.post('/api/models', {
        provider_id: rp.id, name: 'Flux costed', slug: 'flux-costed', model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'black-forest-labs/flux-schnell', parameters_schema: {}, cost: 3,
        response_mapping: { poll: { interval_ms: 50 } },
      }).ok(201)).id;
      sim.scripts.push({ steps: [{ phase: 'running', ms: 300 }], outcome: 'succeeded' }); // done by the clock: no poll comes within the test
      const k = await generate(u, box, { ai_model_id: kieModel }).ok(202) as AssetDto;
      const r = await generate(u, box, { ai_model_id: repModel }).ok(202) as AssetDto;
      expect((await u.settled(k.id)).status).toBe('COMPLETED');
      expect((await u.settled(r.id)).status).toBe('COMPLETED');
      await sim.callbacksSettled();
      const captures = (await credits(u)).items.filter((e) => e.kind === 'capture');
      const kieCapture = captures.find((e) => e.asset_id === k.id)!;
      expect(kieCapture).toMatchObject({ amount: 4, provider_cost: 100, provider_cost_unit: 'kie_credits' });
      const repCapture = captures.find((e) => e.asset_id === r.id)!;
      expect(repCapture).toMatchObject({ amount: 3, provider_cost_unit: 'replicate_predict_seconds' });
      expect(repCapture.provider_cost).toBeGreaterThan(0);
      const rows = await gb.sql('SELECT asset_id, our_cost::float8 AS our_cost FROM provider_costs WHERE asset_id = ANY($1::uuid[]) ORDER BY our_cost', [[k.id, r.id]]);
      expect(rows).toEqual([{ asset_id: r.id, our_cost: 3 }, { asset_id: k.id, our_cost: 4 }]);
    } finally {
      await rsim.close();
    }
  });
});

describe('under concurrency, across two API nodes', () => {
  it('sixty generations racing for credits enough for ten: exactly ten start, the rest are 402, the balance never goes below zero', async () => {
    const port = await freePort();
    extra.push(await WorkerProcess.start(gb, { ROLE: 'api', PORT: String(port) }));
    const u = await gb.newUser('racer');
    const node2 = new UserClient(`http://127.0.0.1:${port}`, u.token!, u.id, u.email, u.name);
    const box = await u.createBox();
    await grant(u, 50);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => generate(i % 2 ? node2 : u, box, { prompt: `race ${i}` })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 402)).toHaveLength(50);
    for (const r of results.filter((x) => x.status === 402)) expect(r.body.cost).toBe(5);
    // every generation that started finishes and is captured; nothing is left held, nothing refunded twice
    const started = results.filter((r) => r.status === 202).map((r) => (r.body as AssetDto).id);
    for (const id of started) expect((await u.settled(id, 30_000)).status).toBe('COMPLETED');
    const final = await credits(u);
    expect(final).toMatchObject({ balance: 0, held: 0 });
    const [{ n }] = await gb.sql(`SELECT count(*)::int AS n FROM credit_ledger WHERE user_id = $1 AND kind = 'capture'`, [u.id]);
    expect(n).toBe(10);
    const [{ min }] = await gb.sql(`SELECT min(balance_after)::float8 AS min FROM credit_ledger WHERE user_id = $1`, [u.id]);
    expect(min).toBe(0);
  }, 60_000);
});
