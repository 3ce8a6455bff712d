import type { StoryboardDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANTHROPIC_CHAT_TEMPLATE, type AnthropicSim, type MessagesRequest, startAnthropicSim } from '../../../../test/simulators/anthropic.sim.js';
import { type KieSim, startKieSim } from '../../../../test/simulators/kie.sim.js';
import { ADMIN, WorkerProcess, historyProblems, loginAdmin, sleep } from '../faults/fault-kit.js';
import { OwnRedis } from '../faults/own-services.js';
import { type TestGenbox, type UserClient, freePort, startTestGenbox } from '../harness.js';
import { kieSeedance, startImage, storyboardSettled } from './storyboard-kit.js';

const SCENES = 3;

/** Every setting at its default: the storyboard resumes from the database alone once Redis is back, empty. */
describe('Redis restarted (empty) in the middle of a storyboard', () => {
  let redis: OwnRedis;
  let gb: TestGenbox;
  let sim: KieSim;
  let claude: AnthropicSim;
  let admin: UserClient;
  let worker: WorkerProcess;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    [gb, sim, claude] = await Promise.all([startTestGenbox({ ROLE: 'api', REDIS_URL: redis.url, GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }), startKieSim(), startAnthropicSim()]);
    admin = await loginAdmin(gb);
    await admin.post('/api/admin/credits', { user_id: admin.id, amount: 1000 }).ok(201);
    worker = await WorkerProcess.start(gb, {}, 90_000);
  });
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await gb?.stop();
    await sim?.close();
    await claude?.close();
    await redis?.kill();
  });

  it('loses nothing: the storyboard finishes once, each scene sent once', async () => {
    const model = await kieSeedance(admin, sim, 'seedance-redis');
    for (let i = 0; i < SCENES; i++) sim.scripts.push({ steps: [{ phase: 'running', ms: 2000 }], outcome: 'succeeded' });
    const box = await admin.createBox('Redis outage film');
    const planned = await admin.post<StoryboardDto>(`/api/boxes/${box.id}/storyboards`, { prompt: 'A balloon lifts off. It drifts over a town. It lands in a field.', ai_model_id: model, scenes: SCENES, image_asset_id: await startImage(admin, box.id) }).ok(201);
    await admin.post(`/api/storyboards/${planned.id}/run`).ok(202);
    // Redis goes while scene 2 is at the provider, with its poll jobs and the storyboard's job in Redis only
    for (const end = Date.now() + 60_000; Date.now() < end; await sleep(50)) {
      const [r] = await gb.sql(`SELECT 1 FROM storyboard_scenes sc JOIN assets a ON a.id = sc.asset_id WHERE sc.storyboard_id = $1 AND sc.index = 1 AND a.status = 'PROCESSING' AND a.external_task_id IS NOT NULL`, [planned.id]);
      if (r) break;
    }
    await redis.kill();
    await sleep(2000);
    await redis.start(); // same port, empty: every queued job is gone
    const restarted = Date.now();

    const sb = await storyboardSettled(admin, planned.id, 90_000);
    expect(sb.status, sb.error_message ?? '').toBe('COMPLETED');
    const prompts = [...sim.tasks.values()].map((t) => (t.body.input as { prompt: string }).prompt);
    expect(prompts.sort()).toEqual(sb.scenes.map((s) => s.prompt).sort());
    const rows = await gb.sql<{ status: string; model_id: string | null; type: string }>('SELECT status, model_id, type FROM assets WHERE box_id = $1', [box.id]);
    expect(rows.filter((r) => r.type === 'VIDEO' && !r.model_id)).toHaveLength(1);
    expect(rows.every((r) => r.status === 'COMPLETED')).toBe(true);
    expect(await historyProblems(gb, box.id)).toEqual([]);
    console.log(`[storyboards] Redis restarted empty mid-run; the storyboard COMPLETED ${((Date.now() - restarted) / 1000).toFixed(1)} s after it came back (default settings, loaded machine)`);
  }, 240_000);

  it('loses no plan: Redis restarted empty while the planner writes, the storyboard is still planned, its draft stored once', async () => {
    const provider = await admin.post('/api/providers', {
      name: 'Claude', kind: 'template', base_url: claude.apiUrl, api_key: claude.apiKey, extra_headers: { 'anthropic-version': '2023-06-01' }, allow_private_network: true, chat_template: ANTHROPIC_CHAT_TEMPLATE,
    }).ok(201);
    const scenes = (delayMs: number) => (req: MessagesRequest) => {
      const user = String(req.messages[0]!.content);
      const n = Number(/Number of scenes: (\d+)/.exec(user)?.[1] ?? /Scenes \((\d+)\)/.exec(user)?.[1]);
      const tag = /Scenes \(/.test(user) ? 'Consistent: ' : '';
      return { delayMs, text: JSON.stringify({ scenes: Array.from({ length: n }, (_, i) => ({ prompt: `${tag}shot ${i + 1}` })) }) };
    };
    // the first plan call takes 4 s: Redis goes and comes back (empty) while it is out
    claude.queueMessage(scenes(4000), scenes(0), scenes(0), scenes(0));
    const box = await admin.createBox('Redis outage plan');
    const calls = claude.log.length;
    const create = admin.post<StoryboardDto>(`/api/boxes/${box.id}/storyboards`, { prompt: 'A lighthouse blinks. A ship turns. It reaches the harbour.', ai_model_id: (await admin.model('local-video')).id, scenes: SCENES, planner: { provider_id: provider.id, model: 'claude-sonnet-4-5' } });
    for (const end = Date.now() + 60_000; claude.log.length === calls && Date.now() < end;) await sleep(25);
    await redis.kill();
    await sleep(2000);
    await redis.start();

    const created = await create.ok(201);
    let sb = created;
    for (const end = Date.now() + 90_000; sb.status === 'PLANNING' && Date.now() < end; await sleep(100)) sb = await admin.get<StoryboardDto>(`/api/storyboards/${created.id}`).ok();
    expect(sb.status, sb.error_message ?? '').toBe('PLANNED');
    expect(sb.scenes.map((s) => s.prompt)).toEqual(['Consistent: shot 1', 'Consistent: shot 2', 'Consistent: shot 3']);
    const [row] = await gb.sql<{ n: number }>('SELECT count(*)::int AS n FROM storyboard_scenes WHERE storyboard_id = $1', [created.id]);
    expect(row!.n).toBe(SCENES);
    // one continuity pass over the stored draft (a plan call may have been repeated by the sweep while the first was out)
    const sent = claude.log.slice(calls).map((r) => String((r.json as MessagesRequest).messages[0]!.content));
    expect(sent.filter((u) => u.includes('Scenes (')).length).toBe(1);
  }, 180_000);
});
