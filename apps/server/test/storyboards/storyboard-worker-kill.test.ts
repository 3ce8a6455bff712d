import { join } from 'node:path';
import type { StoryboardDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../../test/simulators/kie.sim.js';
import { ADMIN, WorkerProcess, historyProblems, loginAdmin } from '../faults/fault-kit.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';
import { kieSeedance, probe, startImage, storyboardSettled, timeline } from './storyboard-kit.js';

/** How fast a dead worker's jobs are picked up again: lock expiry plus one stalled check. */
const LOCK_MS = 2000;
const STALLED_MS = 1000;
const SCENES = 4;
/** How long a worker may take to start on this shared machine. */
const START_MS = 90_000;

describe('workers SIGKILLed in the middle of a storyboard', () => {
  let gb: TestGenbox;
  let sim: KieSim;
  let admin: UserClient;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    [gb, sim] = await Promise.all([
      startTestGenbox({ ROLE: 'api', GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password, QUEUE_LOCK_DURATION_MS: String(LOCK_MS), QUEUE_STALLED_INTERVAL_MS: String(STALLED_MS) }),
      startKieSim(),
    ]);
    admin = await loginAdmin(gb);
    await admin.post('/api/admin/credits', { user_id: admin.id, amount: 1000 }).ok(201);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await gb?.stop();
    await sim?.close();
  });

  /** Kills every worker at once and starts two fresh ones, as a supervisor would. */
  async function killAll(): Promise<void> {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    // one after the other: two cold starts at once on a busy machine can outlast the start timeout
    workers = [await WorkerProcess.start(gb, {}, START_MS)];
    workers.push(await WorkerProcess.start(gb, {}, START_MS));
  }

  /** Polls the database until `sql` returns a row (or the wait runs out); true when it did. */
  async function when(sql: string, params: unknown[], timeoutMs = 30_000): Promise<boolean> {
    for (const end = Date.now() + timeoutMs; Date.now() < end;) {
      if ((await gb.sql(sql, params)).length) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return false;
  }

  it('finishes it exactly once: every scene sent to the provider once, one film, the right length', async () => {
    const model = await kieSeedance(admin, sim, 'seedance-kill');
    // each scene stays at the provider for a second and a half: a kill lands while it works
    for (let i = 0; i < SCENES; i++) sim.scripts.push({ steps: [{ phase: 'running', ms: 1500 }], outcome: 'succeeded' });
    const box = await admin.createBox('Killing films');
    workers = [await WorkerProcess.start(gb, {}, START_MS)];
    workers.push(await WorkerProcess.start(gb, {}, START_MS));
    const planned = await admin.post<StoryboardDto>(`/api/boxes/${box.id}/storyboards`, { prompt: 'A train crosses a desert. It enters a tunnel. It reaches the sea. The passengers step out.', ai_model_id: model, scenes: SCENES, image_asset_id: await startImage(admin, box.id) }).ok(201);
    await admin.post(`/api/storyboards/${planned.id}/run`).ok(202);
    const scene = (k: number) => `SELECT 1 FROM storyboard_scenes sc JOIN assets a ON a.id = sc.asset_id WHERE sc.storyboard_id = $1 AND sc.index = ${k}`;
    const kills: string[] = [];

    // 1: while scene 1 is at the provider
    expect(await when(`${scene(0)} AND a.status = 'PROCESSING' AND a.external_task_id IS NOT NULL`, [planned.id])).toBe(true);
    await killAll();
    kills.push('scene 1 at the provider');
    // 2: as soon as scene 2 finished, before or while its last frame is taken
    expect(await when(`${scene(1)} AND a.status = 'COMPLETED'`, [planned.id], 60_000)).toBe(true);
    await killAll();
    kills.push('scene 2 just finished');
    // 3: while the film is being stitched
    if (await when(`SELECT 1 FROM storyboards s JOIN assets a ON a.id = s.final_asset_id WHERE s.id = $1 AND a.status = 'PROCESSING'`, [planned.id], 60_000)) {
      await killAll();
      kills.push('film being stitched');
    }

    const sb = await storyboardSettled(admin, planned.id, 90_000);
    expect(sb.status, sb.error_message ?? '').toBe('COMPLETED');
    // the provider saw each scene exactly once
    const prompts = [...sim.tasks.values()].map((t) => (t.body.input as { prompt: string }).prompt);
    expect(prompts.sort()).toEqual(sb.scenes.map((s) => s.prompt).sort());
    // one asset per scene, one frame per scene but the last, one film; each finished exactly once
    const rows = await gb.sql<{ type: string; model_id: string | null; status: string; source_type: string }>('SELECT type, model_id, status, source_type FROM assets WHERE box_id = $1', [box.id]);
    expect(rows.filter((r) => r.model_id).length).toBe(SCENES);
    expect(rows.filter((r) => r.type === 'IMAGE' && r.source_type === 'GENERATED').length).toBe(SCENES - 1);
    expect(rows.filter((r) => r.type === 'VIDEO' && !r.model_id).length).toBe(1);
    expect(rows.every((r) => r.status === 'COMPLETED')).toBe(true);
    expect(await historyProblems(gb, box.id)).toEqual([]);
    const [film] = await gb.sql<{ storage_key: string }>('SELECT storage_key FROM assets WHERE id = $1', [sb.final_asset_id]);
    const clips = await gb.sql<{ d: number }>('SELECT duration_s AS d FROM assets WHERE box_id = $1 AND model_id IS NOT NULL', [box.id]);
    const measured = await probe(join(gb.dataDir, film!.storage_key));
    expect(Math.abs(measured.durationS - clips.reduce((t, c) => t + c.d, 0))).toBeLessThanOrEqual(1 / measured.fps + 0.01);
    console.log(`[storyboards] SIGKILLed every worker at: ${kills.join('; ')} (lock ${LOCK_MS} ms, stalled check ${STALLED_MS} ms)\n${(await timeline(gb, sb)).join('\n')}`);
  }, 400_000);
});
