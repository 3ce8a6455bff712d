import type { StoryboardDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, loginAdmin } from '../faults/fault-kit.js';
import { type TestGenbox, type UserClient, connected, joinBox, recordEvents, startTestGenbox, until } from '../harness.js';
import { storyboardSettled } from './storyboard-kit.js';

/**
 * Issue 13: a local storyboard's scene 1 runs on Local video (text to video) and every later scene
 * on its image-to-video partner Local animate. Priced differently, every figure must follow the
 * model that makes each scene; the time estimate comes from each model's own recent runs.
 */
describe('storyboard costs and times follow the model that makes each scene', () => {
  let gb: TestGenbox;
  let admin: UserClient;
  let carol: UserClient;
  let boxId: string;
  let video: string;
  let animate: string;

  beforeAll(async () => {
    gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
    admin = await loginAdmin(gb);
    carol = await gb.newUser('carol');
    boxId = (await carol.createBox('Priced films')).id;
    [video, animate] = [(await carol.model('local-video')).id, (await carol.model('local-animate')).id];
    await gb.sql('UPDATE ai_models SET cost = 5 WHERE id = $1', [video]);
    await gb.sql('UPDATE ai_models SET cost = 20 WHERE id = $1', [animate]);
  });
  afterAll(() => gb?.stop());

  const plan = (prompt: string, scenes: number) =>
    carol.post<StoryboardDto>(`/api/boxes/${boxId}/storyboards`, { prompt, ai_model_id: video, scenes, generation_config: { duration: 2 } }).ok(201);

  it('with no finished runs yet, the time is a wide default range and says so; with runs, it is measured from each scene model\'s own', async () => {
    // besides its scenes, a 3-scene run waits 2 s of hand-overs, two last frames and the stitch of three scenes: no storyboard ran yet, so their defaults (typically 5 s each, 2–15 s)
    const steps = (frame: number, stitch: number) => 2 + 2 * frame + 3 * stitch;
    const guess = await plan('A kettle boils. Steam rises. Tea is poured.', 3);
    // Local's documented default per scene is 20 s (5–60 s)
    expect(guess.time_estimate).toEqual({ low_seconds: 3 * 5 + steps(2, 2), high_seconds: 3 * 60 + steps(15, 15), basis: 'default', runs: 0 });
    expect(guess.estimated_seconds).toBe(3 * 20 + steps(5, 5));

    // planted history: Local video took 20, 30 and 40 s; Local animate 50, 60 and 70 s (request to COMPLETED)
    const plant = (model: string, seconds: number) => gb.sql(
      `INSERT INTO assets (box_id, type, status, source_type, model_id, prompt, created_by, attempts, created_at, completed_at)
       VALUES ($1, 'VIDEO', 'COMPLETED', 'GENERATED', $2, 'earlier run', $3, 1, now() - make_interval(secs => $4 + 100), now() - interval '100 seconds')`,
      [boxId, model, carol.id, seconds]);
    for (const s of [20, 30, 40]) await plant(video, s);
    // one of them alone is still a guess: scene 2 onwards has never run
    expect((await plan('A door opens. A cat walks in.', 2)).time_estimate).toMatchObject({ basis: 'default', runs: 3 });
    for (const s of [50, 60, 70]) await plant(animate, s);

    const measured = await plan('A kettle boils. Steam rises. Tea is poured.', 3);
    // typical: scene 1 averages 30 s, scenes 2 and 3 average 60 s; the range is their 10th to 90th percentiles
    expect(measured.estimated_seconds).toBe(30 + 2 * 60 + steps(5, 5));
    expect(measured.time_estimate).toEqual({ low_seconds: 22 + 2 * 52 + steps(2, 2), high_seconds: 38 + 2 * 68 + steps(15, 15), basis: 'history', runs: 6 });
    await gb.sql(`DELETE FROM assets WHERE prompt = 'earlier run' AND box_id = $1`, [boxId]);
  });

  it('estimates, holds and counts each scene at its own model\'s price: 402 when the balance covers the storyboard model\'s price but not the partner\'s', async () => {
    const planned = await plan('A bird lands on a wire. It sings at dawn.', 2);
    expect(planned.scenes.map((s) => [s.ai_model_id, s.cost])).toEqual([[video, 5], [animate, 20]]);
    expect(planned.cost).toEqual({ estimated: 25, so_far: 0 });

    // 15 would pay for two scenes at the storyboard model's 5, not for 5 + 20
    await admin.post('/api/admin/credits', { user_id: carol.id, amount: 15 }).ok(201);
    const short = await carol.post(`/api/storyboards/${planned.id}/run`);
    expect(short.status).toBe(402);
    expect(short.body.message).toMatch(/costs 25 and the balance is 15/);
    expect((await carol.get<StoryboardDto>(`/api/storyboards/${planned.id}`).ok()).status).toBe('PLANNED');
    expect(await gb.sql(`SELECT id FROM assets WHERE box_id = $1 AND prompt <> 'earlier run'`, [boxId])).toEqual([]);

    await admin.post('/api/admin/credits', { user_id: carol.id, amount: 10 }).ok(201);
    const watcher = await connected(carol.socket());
    const heard = recordEvents(watcher);
    await joinBox(watcher, boxId);
    try {
      await carol.post(`/api/storyboards/${planned.id}/run`).ok(202);
      const done = await storyboardSettled(carol, planned.id, 180_000);
      expect(done.status, JSON.stringify(done.failure)).toBe('COMPLETED');
      expect(done.cost).toEqual({ estimated: 25, so_far: 25 });
      expect(done.scenes.map((s) => [s.ai_model_id, s.cost])).toEqual([[video, 5], [animate, 20]]);

      // cost so far after each scene, as everyone on the box saw it: 5 once scene 1 finished, 25 at the end
      await until(() => heard, (h) => h.some((e) => e.event === 'storyboard.updated' && e.payload.storyboard.status === 'COMPLETED'), 10_000, 'storyboard.updated COMPLETED');
      const seen = heard.filter((e) => e.event === 'storyboard.updated' && e.payload.storyboard.id === planned.id).map((e) => e.payload.storyboard as StoryboardDto);
      const afterFirst = seen.filter((s) => s.scenes[0]!.status === 'COMPLETED' && s.scenes[1]!.status !== 'COMPLETED');
      expect(afterFirst.length).toBeGreaterThan(0);
      expect(new Set(afterFirst.map((s) => s.cost.so_far))).toEqual(new Set([5]));
      expect(seen.at(-1)!.cost).toEqual({ estimated: 25, so_far: 25 });
    } finally {
      watcher.close();
    }

    // each scene held, then captured, its own model's price
    const captured = await gb.sql<{ amount: string }>(
      `SELECT l.amount::text FROM credit_ledger l JOIN storyboard_scenes sc ON sc.asset_id = l.asset_id WHERE sc.storyboard_id = $1 AND l.kind = 'capture' ORDER BY sc.index`, [planned.id]);
    expect(captured.map((r) => Number(r.amount))).toEqual([5, 20]);
    expect(await carol.get<{ balance: number; held: number }>('/api/credits').ok()).toMatchObject({ balance: 0, held: 0 });

    // the next plan is measured from this run: each scene model's one run, its last frame (scene 1's end to the frame stored) and its stitch per scene
    const [m] = await gb.sql<{ s1: number; s2: number; frame: number; stitch: number }>(
      `SELECT extract(epoch FROM a1.completed_at - a1.created_at)::float8 AS s1, extract(epoch FROM a2.completed_at - a2.created_at)::float8 AS s2,
              extract(epoch FROM f.completed_at - a1.completed_at)::float8 AS frame, extract(epoch FROM film.completed_at - film.created_at)::float8 / 2 AS stitch
       FROM storyboards sb JOIN storyboard_scenes c1 ON c1.storyboard_id = sb.id AND c1.index = 0 JOIN storyboard_scenes c2 ON c2.storyboard_id = sb.id AND c2.index = 1
       JOIN assets a1 ON a1.id = c1.asset_id JOIN assets a2 ON a2.id = c2.asset_id JOIN assets f ON f.id = c1.frame_asset_id JOIN assets film ON film.id = sb.final_asset_id
       WHERE sb.id = $1`, [planned.id]);
    const next = await plan('A bird flies off. The wire sways.', 2);
    const expected = Math.round(m!.s1 + m!.s2 + 2 + m!.frame + 2 * m!.stitch);
    expect(next.time_estimate).toEqual({ low_seconds: expected, high_seconds: expected, basis: 'history', runs: 2 });
    expect(next.estimated_seconds).toBe(expected);

    // re-running scene 2 costs the partner's 20, not the storyboard model's 5
    await admin.post('/api/admin/credits', { user_id: carol.id, amount: 10 }).ok(201);
    const retry = await carol.post(`/api/storyboards/${planned.id}/scenes/1/retry`, {});
    expect(retry.status).toBe(402);
    expect(retry.body.message).toMatch(/costs 20 and the balance is 10/);
  }, 240_000);
});
