import type { AnalyticsDto, AssetDto, BoxDto, ErrorBody } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAISimulator, startOpenAISimulator } from '../../../test/simulators/openai.sim.js';
import { type TestGenbox, UserClient, insertAsset, pngBytes, startTestGenbox } from './harness.js';

const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
const KEY = 'sk-analytics-test-1234';

/** PostgreSQL's percentile_cont: linear interpolation between the closest ranks. */
function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}
const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

describe('generation analytics', () => {
  let gb: TestGenbox;
  let sim: OpenAISimulator;
  let admin: UserClient;
  let alice: UserClient;
  let bob: UserClient;
  let carol: UserClient;
  let box: BoxDto;
  let other: BoxDto;
  /** Everything generated in `box`, settled, in the order it was started. */
  let runs: AssetDto[];
  /** Before the first live run: install-wide questions ask from here, past the planted rows of January. */
  let liveSince: string;

  const analytics = (as: UserClient, query: Record<string, string> = {}) => as.get<AnalyticsDto & Partial<ErrorBody>>(`/api/analytics?${new URLSearchParams(query)}`);

  beforeAll(async () => {
    [gb, sim] = await Promise.all([startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }), startOpenAISimulator({ apiKey: KEY })]);
    const login = await gb.client.post('/api/auth/login', ADMIN).ok();
    admin = new UserClient(gb.url, login.token, login.user.id, ADMIN.email, 'admin');
    const provider = await admin.post('/api/providers', { name: 'OpenAI sim', kind: 'openai', base_url: sim.apiUrl, api_key: KEY, allow_private_network: true }).ok(201);
    const simModel = await admin.post('/api/models', {
      provider_id: provider.id, name: 'Sim image', slug: 'sim-image', model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'gpt-image-1', cost: 2,
    }).ok(201);
    const local = await admin.model('local-image');
    await admin.patch(`/api/models/${local.id}`, { cost: 0.5 }).ok();

    [alice, bob, carol] = await Promise.all([gb.newUser('alice'), gb.newUser('bob'), gb.newUser('carol')]);
    // the measured models cost credits: alice pays for her runs like any user
    await admin.post('/api/admin/credits', { user_id: alice.id, amount: 100, note: 'analytics runs' }).ok(201);
    box = await alice.createBox('Measured');
    other = await alice.createBox('Other');
    await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'viewer' }).ok(201);

    liveSince = new Date().toISOString();
    const generate = (boxId: string, model: string, count = 1) => alice.post(`/api/boxes/${boxId}/generate`, { prompt: 'a harbour', ai_model_id: model, count }).ok(202);
    const three = (await generate(box.id, local.id, 3)).items as AssetDto[];
    const localDone = await Promise.all(three.map((a) => alice.settled(a.id)));
    sim.queueScript({ steps: [], outcome: 'filtered' });
    const filtered = await alice.settled((await generate(box.id, simModel.id)).id);
    const simDone = await alice.settled((await generate(box.id, simModel.id)).id);
    runs = [...localDone, filtered, simDone];
    expect(runs.map((a) => a.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'FAILED', 'COMPLETED']);
    await alice.upload(box.id, await pngBytes(), 'upload.png').ok(201);
    expect((await alice.settled((await generate(other.id, local.id)).id)).status).toBe('COMPLETED');
  });
  afterAll(async () => {
    await gb?.stop();
    await sim?.close();
  });

  it('a box shows what was generated in it: counts, success rate, runs and cost per model and person, failures by cause (uploads left out)', async () => {
    const report = await analytics(alice, { box_id: box.id }).ok();
    expect(report).toMatchObject({ box_id: box.id, from: null, to: null, total: 5, completed: 4, failed: 1, canceled: 0, in_progress: 0, success_rate: 0.8, total_cost: 3.5, total_list_cost: 3.5 });
    expect(report.models).toEqual([
      expect.objectContaining({ slug: 'local-image', count: 3, completed: 3, failed: 0, canceled: 0, cost: 1.5, list_cost: 1.5 }),
      expect.objectContaining({ slug: 'sim-image', name: 'Sim image', count: 2, completed: 1, failed: 1, canceled: 0, cost: 2, list_cost: 2 }),
    ]);
    const localSeconds = runs.slice(0, 3).map((a) => seconds(a.created_at, a.completed_at!));
    expect(report.models[0]!.avg_seconds).toBeCloseTo(localSeconds.reduce((s, x) => s + x, 0) / 3, 3);
    expect(report.people).toEqual([{ user_id: alice.id, name: 'alice', email: alice.email, count: 5, completed: 4, failed: 1, canceled: 0, cost: 3.5 }]);
    // the card's sentence, not the provider's words: those are for admins
    expect(report.failures).toEqual([{
      cause: "The provider's safety filter blocked this. Rephrase the prompt and run it again (Remix).", fixed_by: 'editor', count: 1,
      codes: [{ error_code: 'provider_content_filtered', count: 1, sample_message: null }],
    }]);
    const installWide = await analytics(admin, { from: liveSince }).ok();
    expect(installWide.failures[0]!.codes[0]!.sample_message).toContain('safety system');
  });

  it('generation time and queue wait percentiles are those of the runs', async () => {
    const report = await analytics(alice, { box_id: box.id }).ok();
    const gen = runs.filter((a) => a.status === 'COMPLETED').map((a) => seconds(a.created_at, a.completed_at!));
    const wait = runs.map((a) => seconds(a.created_at, a.started_at!));
    expect(report.generation_seconds.p50).toBeCloseTo(percentile(gen, 0.5)!, 3);
    expect(report.generation_seconds.p95).toBeCloseTo(percentile(gen, 0.95)!, 3);
    expect(report.queue_wait_seconds.p50).toBeCloseTo(percentile(wait, 0.5)!, 3);
    expect(report.queue_wait_seconds.p95).toBeCloseTo(percentile(wait, 0.95)!, 3);
    expect(report.generation_seconds.p50!).toBeGreaterThan(0);
  });

  it('a viewer sees the same numbers without emails; an outsider is told the box does not exist', async () => {
    const owners = await analytics(alice, { box_id: box.id }).ok();
    expect(await analytics(bob, { box_id: box.id }).ok()).toEqual({ ...owners, people: owners.people.map((p) => ({ ...p, email: null })) });
    for (const id of [box.id, '00000000-0000-4000-8000-000000000000', 'not-a-box']) {
      const res = await analytics(carol, { box_id: id });
      expect(res.status, id).toBe(404);
      expect(res.body.error).toBe('not_found');
    }
    expect((await gb.client.get(`/api/analytics?box_id=${box.id}`)).status).toBe(401);
  });

  it('only an admin sees every box together', async () => {
    for (const user of [alice, carol]) {
      const res = await analytics(user);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('forbidden');
    }
    const all = await analytics(admin, { from: liveSince }).ok();
    expect(all).toMatchObject({ box_id: null, total: 6, completed: 5, failed: 1, success_rate: 5 / 6, total_cost: 4 });
    expect(all.people).toEqual([expect.objectContaining({ user_id: alice.id, email: alice.email, count: 6 })]);
    expect(all.models.map((m) => [m.slug, m.count, m.cost])).toEqual([['local-image', 4, 2], ['sim-image', 2, 2]]);
  });

  it('from and to keep only generations created in that window', async () => {
    const last = runs.at(-1)!;
    const since = await analytics(alice, { box_id: box.id, from: last.created_at }).ok();
    expect(since).toMatchObject({ from: last.created_at, total: 1, completed: 1, failed: 0, success_rate: 1, total_cost: 2, failures: [] });
    expect(since.models.map((m) => m.slug)).toEqual(['sim-image']);

    const before = await analytics(alice, { box_id: box.id, to: runs[0]!.created_at }).ok();
    expect(before).toMatchObject({ total: 0, success_rate: null, generation_seconds: { p50: null, p95: null }, models: [], failures: [], total_cost: 0 });

    const bad = await analytics(alice, { box_id: box.id, from: 'yesterday' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('from');
    const backwards = await analytics(alice, { box_id: box.id, from: last.created_at, to: runs[0]!.created_at });
    expect(backwards.status).toBe(400);
    expect(backwards.body.message).toContain('to');
  });

  describe('planted runs whose figures are known', () => {
    /** January 2026, before any live run: 10 generations in one box, by two people on two models. */
    const JAN = Date.parse('2026-01-10T09:00:00.000Z');
    const range = { from: '2026-01-01', to: '2026-02-01' };
    let planted: BoxDto;
    let dave: UserClient;
    let modelA: string;
    let modelB: string;

    beforeAll(async () => {
      const provider = (await admin.get<{ items: { id: string; name: string }[] }>('/api/providers').ok()).items.find((p) => p.name === 'OpenAI sim')!;
      const newModel = (slug: string, cost: number) => admin.post<{ id: string }>('/api/models', {
        provider_id: provider.id, name: `Planted ${slug}`, slug, model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'gpt-image-1', cost,
      }).ok(201).then((m) => m.id);
      [modelA, modelB] = [await newModel('planted-a', 1), await newModel('planted-b', 2)];
      dave = await gb.newUser('dave');
      await admin.post('/api/admin/credits', { user_id: dave.id, amount: 50, note: 'planted runs' }).ok(201);
      planted = await alice.createBox('Planted');
      await alice.post(`/api/boxes/${planted.id}/members`, { email: dave.email, role: 'editor' }).ok(201);

      let minute = 0;
      /** One run: queued (the credits trigger holds the price), then settled in one move (it captures or releases). */
      const run = async (who: UserClient, model: string, status: string, waitS: number | null, genS: number | null, errorCode?: string) => {
        const created = JAN + minute++ * 60_000;
        const id = await insertAsset(gb, planted.id, who.id, { model_id: model, created_at: new Date(created) });
        await gb.sql(
          `UPDATE assets SET status = $2, started_at = $3, completed_at = $4, error_code = $5, error_message = $6 WHERE id = $1`,
          [id, status, waitS === null ? null : new Date(created + waitS * 1000), genS === null ? null : new Date(created + genS * 1000),
            errorCode ?? null, errorCode ? `raw provider words for ${errorCode}` : null],
        );
        return id;
      };
      const alicesFirst = await run(alice, modelA, 'COMPLETED', 1, 10);
      await run(alice, modelA, 'COMPLETED', 2, 20);
      await run(alice, modelA, 'COMPLETED', 3, 30);
      await run(alice, modelA, 'COMPLETED', 4, 40);
      await run(dave, modelA, 'COMPLETED', 10, 100);
      await run(dave, modelA, 'FAILED', 5, 7, 'provider_bad_request');
      await run(dave, modelB, 'FAILED', 2, 4, 'provider_invalid_params');
      await run(dave, modelB, 'FAILED', 3, 9, 'provider_timeout');
      await run(dave, modelB, 'CANCELED', null, null);
      const davesB = await run(dave, modelB, 'COMPLETED', 6, 50);
      await gb.sql(`INSERT INTO provider_costs (asset_id, attempt, model_id, our_cost, provider_cost, provider_cost_unit) VALUES
        ($1, 0, $2, 1, 3, 'kie_credits'), ($3, 0, $4, 2, 0.04, 'usd')`, [alicesFirst, modelA, davesB, modelB]);
      // the price went up after these runs: what they were charged stays what the ledger took
      await admin.patch(`/api/models/${modelA}`, { cost: 3 }).ok();
    });

    it('per model: runs, outcomes, p50/p95 run time and queue wait, credits charged beside today\'s list price and the provider\'s figure', async () => {
      const report = await analytics(alice, { box_id: planted.id, ...range }).ok();
      expect(report).toMatchObject({
        total: 10, completed: 6, failed: 3, canceled: 1, success_rate: 0.6, total_cost: 7, total_list_cost: 17,
        provider_costs: [{ unit: 'kie_credits', amount: 3, runs: 1 }, { unit: 'usd', amount: 0.04, runs: 1 }],
      });
      // all completed: 10 20 30 40 50 100; all started waits: 1 2 3 4 10 5 2 3 6
      expect(report.generation_seconds).toEqual({ p50: expect.closeTo(35, 6), p95: expect.closeTo(87.5, 6) });
      expect(report.queue_wait_seconds.p50).toBeCloseTo(3, 6);
      expect(report.queue_wait_seconds.p95).toBeCloseTo(percentile([1, 2, 3, 4, 10, 5, 2, 3, 6], 0.95)!, 6);
      expect(report.models).toEqual([
        {
          model_id: modelA, name: 'Planted planted-a', slug: 'planted-a', count: 6, completed: 5, failed: 1, canceled: 0,
          avg_seconds: expect.closeTo(40, 6), generation_seconds: { p50: expect.closeTo(30, 6), p95: expect.closeTo(88, 6) }, queue_wait_seconds: { p50: expect.closeTo(3.5, 6), p95: expect.closeTo(8.75, 6) },
          cost: 5, list_cost: 15, provider_costs: [{ unit: 'kie_credits', amount: 3, runs: 1 }],
        },
        {
          model_id: modelB, name: 'Planted planted-b', slug: 'planted-b', count: 4, completed: 1, failed: 2, canceled: 1,
          avg_seconds: 50, generation_seconds: { p50: 50, p95: 50 }, queue_wait_seconds: { p50: expect.closeTo(3, 6), p95: expect.closeTo(5.7, 6) },
          cost: 2, list_cost: 2, provider_costs: [{ unit: 'usd', amount: 0.04, runs: 1 }],
        },
      ]);
    });

    it('per person: runs, outcomes and credits charged; emails only for the box\'s owner', async () => {
      const owner = await analytics(alice, { box_id: planted.id, ...range }).ok();
      expect(owner.people).toEqual([
        { user_id: dave.id, name: 'dave', email: dave.email, count: 6, completed: 2, failed: 3, canceled: 1, cost: 3 },
        { user_id: alice.id, name: 'alice', email: alice.email, count: 4, completed: 4, failed: 0, canceled: 0, cost: 4 },
      ]);
      const editor = await analytics(dave, { box_id: planted.id, ...range }).ok();
      expect(editor.people.map((p) => [p.name, p.email, p.count])).toEqual([['dave', null, 6], ['alice', null, 4]]);
      expect(JSON.stringify(editor)).not.toContain(alice.email);
    });

    it('failures count by the sentence the board shows; the provider\'s words reach admins only', async () => {
      const member = await analytics(dave, { box_id: planted.id, ...range }).ok();
      expect(member.failures).toEqual([
        {
          cause: 'The provider refused these settings. Change the prompt or settings and run it again (Remix).', fixed_by: 'editor', count: 2,
          codes: [{ error_code: 'provider_bad_request', count: 1, sample_message: null }, { error_code: 'provider_invalid_params', count: 1, sample_message: null }],
        },
        { cause: 'The provider did not answer in time. Retry in a moment.', fixed_by: 'retry', count: 1, codes: [{ error_code: 'provider_timeout', count: 1, sample_message: null }] },
      ]);
      expect(JSON.stringify(member)).not.toContain('raw provider words');
      const installWide = await analytics(admin, range).ok();
      expect(installWide).toMatchObject({ box_id: null, total: 10, total_cost: 7 });
      expect(installWide.failures[0]!.codes[0]).toEqual({ error_code: 'provider_bad_request', count: 1, sample_message: 'raw provider words for provider_bad_request' });
      expect(installWide.people.map((p) => p.email)).toEqual([dave.email, alice.email]);
    });

    it('runs per UTC day: the planted ten on their day, with their outcomes and credits', async () => {
      const report = await analytics(alice, { box_id: planted.id, ...range }).ok();
      expect(report.days).toEqual([{ day: '2026-01-10', count: 10, completed: 6, failed: 3, canceled: 1, cost: 7 }]);
    });

    it('runs per UTC day: a run a millisecond before midnight counts on its own day, days without runs are left out', async () => {
      const days = await alice.createBox('Days');
      const plant = async (at: string, status: string) => {
        const id = await insertAsset(gb, days.id, alice.id, { model_id: modelA, created_at: new Date(at) });
        await gb.sql(`UPDATE assets SET status = $2, started_at = created_at, completed_at = created_at + interval '5 seconds' WHERE id = $1`, [id, status]);
      };
      await plant('2026-02-20T23:59:59.999Z', 'COMPLETED');
      await plant('2026-02-21T00:00:00.000Z', 'COMPLETED');
      await plant('2026-02-21T13:00:00.000Z', 'CANCELED');
      await plant('2026-02-23T12:00:00.000Z', 'FAILED');
      const report = await analytics(alice, { box_id: days.id, from: '2026-02-01', to: '2026-03-01' }).ok();
      expect(report.days.map(({ cost, ...d }) => d)).toEqual([
        { day: '2026-02-20', count: 1, completed: 1, failed: 0, canceled: 0 },
        { day: '2026-02-21', count: 2, completed: 1, failed: 0, canceled: 1 },
        { day: '2026-02-23', count: 1, completed: 0, failed: 1, canceled: 0 },
      ]);
    });
  });
});
