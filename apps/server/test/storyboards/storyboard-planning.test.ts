import type { StoryboardDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANTHROPIC_CHAT_TEMPLATE, type AnthropicSim, type MessagesRequest, startAnthropicSim } from '../../../../test/simulators/anthropic.sim.js';
import { ADMIN, WorkerProcess, loginAdmin, sleep } from '../faults/fault-kit.js';
import { type TestGenbox, type UserClient, connected, joinBox, recordEvents, startTestGenbox } from '../harness.js';

/** How fast a dead worker's jobs are picked up again: lock expiry plus one stalled check (as storyboard-worker-kill). */
const LOCK_MS = 2000;
const STALLED_MS = 1000;
/** How long the create request waits for the plan: longer than a quick planner takes, shorter than the slow one below. */
const PLAN_WAIT_MS = 10_000;
/** The slow planner's first answer: it outlasts the create's wait (and the worker making the call). */
const SLOW_MS = 40_000;
const START_MS = 90_000;

/** The Messages API playing the planner: as many scenes as asked for, the continuity pass marks them; `delayMs` makes it slow. */
const scenesAfter = (delayMs: number, mark = '') => (req: MessagesRequest) => {
  const user = String(req.messages[0]!.content);
  const n = Number(/Number of scenes: (\d+)/.exec(user)?.[1] ?? /Scenes \((\d+)\)/.exec(user)?.[1]);
  const tag = /Scenes \(/.test(user) ? 'Consistent: ' : '';
  return { delayMs, text: JSON.stringify({ scenes: Array.from({ length: n }, (_, i) => ({ prompt: `${tag}shot ${i + 1}${mark}` })) }) };
};

describe('planning as worker jobs: a chat model through a template provider, a slow planner, a worker killed mid-plan', () => {
  let gb: TestGenbox;
  let sim: AnthropicSim;
  let admin: UserClient;
  let planner: { provider_id: string; model: string };
  let model: string;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    [gb, sim] = await Promise.all([
      startTestGenbox({ ROLE: 'api', GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password, QUEUE_LOCK_DURATION_MS: String(LOCK_MS), QUEUE_STALLED_INTERVAL_MS: String(STALLED_MS), STORYBOARD_PLAN_WAIT_MS: String(PLAN_WAIT_MS) }),
      startAnthropicSim(),
    ]);
    admin = await loginAdmin(gb);
    const claude = await admin.post('/api/providers', {
      name: 'Claude', kind: 'template', base_url: sim.apiUrl, api_key: sim.apiKey, extra_headers: { 'anthropic-version': '2023-06-01' }, allow_private_network: true, chat_template: ANTHROPIC_CHAT_TEMPLATE,
    }).ok(201);
    expect(claude.chat_template).toEqual(ANTHROPIC_CHAT_TEMPLATE);
    expect(JSON.stringify(claude)).not.toContain(sim.apiKey);
    planner = { provider_id: claude.id, model: 'claude-sonnet-4-5' };
    model = (await admin.model('local-video')).id;
    workers = [await WorkerProcess.start(gb, {}, START_MS)];
  }, 180_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await gb?.stop();
    await sim?.close();
  });

  /** Polls the storyboard until it leaves PLANNING. */
  async function planned(id: string, timeoutMs = 60_000): Promise<StoryboardDto> {
    for (const end = Date.now() + timeoutMs; ; await sleep(100)) {
      const sb = await admin.get<StoryboardDto>(`/api/storyboards/${id}`).ok();
      if (sb.status !== 'PLANNING' || Date.now() > end) return sb;
    }
  }

  it('refuses a chat template on a provider that is not a template provider, naming it', async () => {
    const r = await admin.post('/api/providers', { name: 'Not a template', kind: 'kie', base_url: sim.apiUrl, chat_template: ANTHROPIC_CHAT_TEMPLATE });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/chat_template: only template providers have one/);
    const noText = await admin.post('/api/providers', { name: 'No text path', kind: 'template', base_url: sim.apiUrl, chat_template: { ...ANTHROPIC_CHAT_TEMPLATE, response_mapping: {} } });
    expect(noText.status).toBe(400);
    expect(noText.body.message).toMatch(/chat_template\.response_mapping\.text/);
  });

  it('a slow planner: the create answers PLANNING at once, storyboard.updated brings the scenes; a worker killed in the middle of the plan is replaced and the plan is stored once', async () => {
    const box = await admin.createBox('Slow plans');
    const watcher = await connected(admin.socket());
    const got = recordEvents(watcher);
    await joinBox(watcher, box.id);
    // the first plan call outlasts the create's wait and the worker making it; the one the next worker makes is quick
    sim.queueMessage(scenesAfter(SLOW_MS, ' (lost)'), scenesAfter(0), scenesAfter(0));
    const calls = sim.log.length;

    const created = await admin.post<StoryboardDto>(`/api/boxes/${box.id}/storyboards`, { prompt: 'A kite escapes a child. It crosses the city. It lands on a roof.', ai_model_id: model, scenes: 3, planner }).ok(201);
    expect(created.status).toBe('PLANNING');
    expect(created.scenes).toEqual([]);
    expect(created.planner).toBe('Claude: claude-sonnet-4-5');
    expect(created.estimated_seconds).toBeGreaterThan(0);

    // the worker dies while the planner is writing
    for (const end = Date.now() + 30_000; sim.log.length === calls && Date.now() < end;) await sleep(25);
    expect(sim.log.length).toBe(calls + 1);
    await workers[0]!.kill('SIGKILL');
    workers = [await WorkerProcess.start(gb, {}, START_MS)];

    const sb = await planned(created.id);
    expect(sb.status, sb.error_message ?? '').toBe('PLANNED');
    expect(sb.scenes.map((s) => s.prompt)).toEqual(['Consistent: shot 1', 'Consistent: shot 2', 'Consistent: shot 3']);
    expect(Date.parse(sb.drafted_at!)).toBeLessThanOrEqual(Date.parse(sb.planned_at!));
    // the plan call lost with the worker, the plan again, the continuity pass: nothing else
    const sent = sim.log.slice(calls).map((r) => String((r.json as MessagesRequest).messages[0]!.content));
    expect(sent.map((u) => (u.includes('Scenes (') ? 'continuity' : 'plan'))).toEqual(['plan', 'plan', 'continuity']);

    // everyone on the box saw it move: PLANNING, the draft, PLANNED
    const steps = () => got.filter((e) => e.event === 'storyboard.updated').map((e) => (e.payload as { storyboard: StoryboardDto }).storyboard)
      .filter((s) => s.id === created.id).map((s) => `${s.status}:${s.scenes.length}:${s.drafted_at ? 'drafted' : '-'}`);
    await expect.poll(steps).toContain('PLANNED:3:drafted');
    expect(steps()).toEqual(['PLANNING:0:-', 'PLANNING:3:drafted', 'PLANNED:3:drafted']);
    watcher.disconnect();
  }, 240_000);

  it('a planner that fails makes the storyboard FAILED with its reason: a 502 within the wait, FAILED in the list', async () => {
    const box = await admin.createBox('Refused plans');
    sim.queueMessage(() => ({ refusal: true }));
    const r = await admin.post(`/api/boxes/${box.id}/storyboards`, { prompt: 'Something the model refuses.', ai_model_id: model, scenes: 2, planner });
    expect(r.status).toBe(502);
    expect(r.body).toMatchObject({ error: 'planner_failed', message: expect.stringMatching(/Claude refused to plan the storyboard/) });
    const { items } = await admin.get<{ items: StoryboardDto[] }>(`/api/boxes/${box.id}/storyboards`).ok();
    expect(items.map((s) => [s.status, s.scenes.length])).toEqual([['FAILED', 0]]);
    expect(items[0]!.error_message).toMatch(/refused to plan the storyboard/);
  }, 60_000);

  it("a storyboard canceled while PLANNING stays canceled: the planner's late answer is dropped", async () => {
    const box = await admin.createBox('Canceled plans');
    const calls = sim.log.length;
    sim.queueMessage(scenesAfter(PLAN_WAIT_MS + 5000), scenesAfter(0), scenesAfter(0));
    const created = await admin.post<StoryboardDto>(`/api/boxes/${box.id}/storyboards`, { prompt: 'A bell rings. Birds scatter.', ai_model_id: model, scenes: 2, planner }).ok(201);
    expect(created.status).toBe('PLANNING');
    const canceled = await admin.post<StoryboardDto>(`/api/storyboards/${created.id}/cancel`).ok();
    expect(canceled.status).toBe('CANCELED');
    // the planner answers about 5 s after the cancel (and the sweeps run meanwhile): nothing is stored, nothing else is asked
    await sleep(7000);
    const sb = await admin.get<StoryboardDto>(`/api/storyboards/${created.id}`).ok();
    expect(sb.status).toBe('CANCELED');
    expect(sb.scenes).toEqual([]);
    expect(sim.log.length - calls).toBe(1);
    expect((await admin.post(`/api/storyboards/${created.id}/run`)).status).toBe(409);
  }, 90_000);
});
