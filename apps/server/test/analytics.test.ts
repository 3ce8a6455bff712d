import type { AnalyticsDto, AssetDto, BoxDto, ErrorBody } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAISimulator, startOpenAISimulator } from '../../../test/simulators/openai.sim.js';
import { type TestGenbox, UserClient, pngBytes, startTestGenbox } from './harness.js';

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

  it('a box shows what was generated in it: counts, success rate, runs and cost per model, failures by code (uploads left out)', async () => {
    const report = await analytics(alice, { box_id: box.id }).ok();
    expect(report).toMatchObject({ box_id: box.id, from: null, to: null, total: 5, completed: 4, failed: 1, canceled: 0, in_progress: 0, success_rate: 0.8, total_cost: 3.5 });
    expect(report.models).toEqual([
      expect.objectContaining({ slug: 'local-image', count: 3, completed: 3, failed: 0, canceled: 0, cost: 1.5 }),
      expect.objectContaining({ slug: 'sim-image', name: 'Sim image', count: 2, completed: 1, failed: 1, canceled: 0, cost: 2 }),
    ]);
    const localSeconds = runs.slice(0, 3).map((a) => seconds(a.created_at, a.completed_at!));
    expect(report.models[0]!.avg_seconds).toBeCloseTo(localSeconds.reduce((s, x) => s + x, 0) / 3, 3);
    expect(report.failures).toEqual([{ error_code: 'provider_content_filtered', count: 1, sample_message: expect.stringContaining('safety system') }]);
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

  it('a viewer sees the same numbers; an outsider is told the box does not exist', async () => {
    expect(await analytics(bob, { box_id: box.id }).ok()).toEqual(await analytics(alice, { box_id: box.id }).ok());
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
    const all = await analytics(admin).ok();
    expect(all).toMatchObject({ box_id: null, total: 6, completed: 5, failed: 1, success_rate: 5 / 6, total_cost: 4 });
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
});
