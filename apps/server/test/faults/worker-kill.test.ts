import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../../test/simulators/kie.sim.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';
import { ADMIN, WorkerProcess, allSettled, assetRows, historyProblems, loginAdmin, missingLocalFiles, registerModel, sleep, startGenerations } from './fault-kit.js';

/** How fast a dead worker's jobs are picked up again: lock expiry plus one stalled check. */
const LOCK_MS = 2000;
const STALLED_MS = 1000;
const TOTAL = 300;
const KILLS = 5;

describe('workers SIGKILLed at random moments', () => {
  let gb: TestGenbox;
  let sim: KieSim;
  let admin: UserClient;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    const queue = { QUEUE_LOCK_DURATION_MS: String(LOCK_MS), QUEUE_STALLED_INTERVAL_MS: String(STALLED_MS) };
    [gb, sim] = await Promise.all([
      startTestGenbox({ ROLE: 'api', GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password, ...queue }),
      startKieSim({ rateLimit: { max: 1_000_000, windowMs: 1000 } }),
    ]);
    admin = await loginAdmin(gb);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await gb?.stop();
    await sim?.close();
  });

  it(`${TOTAL} generations all finish exactly once, with their files, while workers keep dying`, async () => {
    const model = await registerModel(admin, {
      kind: 'kie', baseUrl: sim.url, apiKey: sim.apiKey, slug: 'kie-kill', apiEndpoint: 'nano-banana-2', responseMapping: { poll: { interval_ms: 100 } },
      // an instant provider that takes many tasks at once: the limiter must not be what slows this run
      provider: { max_concurrency: 64, rate_limit: { requests: 1000, per_ms: 1000 } },
    });
    const box = await admin.createBox('Killing fields');
    workers.push(await WorkerProcess.start(gb), await WorkerProcess.start(gb));

    const t0 = Date.now();
    const started = startGenerations(admin, box.id, model, TOTAL);
    const kills: { at: number; processing: number }[] = [];
    const replacements: Promise<unknown>[] = [];
    for (let k = 0; k < KILLS; k++) {
      await sleep(800 + Math.random() * 1700);
      let ready = workers.filter((w) => w.alive);
      if (!ready.length) await Promise.all(replacements);
      ready = workers.filter((w) => w.alive);
      const victim = ready[Math.floor(Math.random() * ready.length)]!;
      const processing = (await assetRows(gb, box.id)).filter((r) => r.status === 'PROCESSING').length;
      await victim.kill('SIGKILL');
      kills.push({ at: Date.now() - t0, processing });
      // the replacement boots while the run goes on, as a supervisor would restart it
      replacements.push(WorkerProcess.start(gb).then((w) => workers.push(w)));
    }
    await Promise.all(replacements);
    const lastKill = Date.now();
    expect((await started).length).toBe(TOTAL);

    const rows = await allSettled(gb, box.id, 60_000);
    const doneAt = Date.now();
    const stuck = rows.filter((r) => r.status === 'PENDING' || r.status === 'PROCESSING');
    for (const r of stuck) console.log('[faults] stuck', JSON.stringify(await gb.sql('SELECT a.status, a.external_task_id, a.provider_state, a.attempts, a.started_at, a.updated_at, (SELECT json_agg(e ORDER BY e.id) FROM asset_events e WHERE e.asset_id = a.id) AS events FROM assets a WHERE a.id = $1', [r.id])),
      await gb.runtime.redis.keys(`${gb.env.REDIS_PREFIX}:*${r.id}*`), workers.map((w) => w.output.join('').split('\n').filter((l) => l.includes(r.id)).join('\n')).join('\n---\n'));
    expect(stuck.map((r) => `${r.id} ${r.status}`), 'assets left unfinished').toEqual([]);
    expect(rows).toHaveLength(TOTAL);
    const notCompleted = rows.filter((r) => r.status !== 'COMPLETED');
    expect(notCompleted.map((r) => `${r.id} ${r.status} ${r.error_code}`)).toEqual([]);
    expect(await historyProblems(gb, box.id), 'assets with other than one terminal transition, or moved backwards').toEqual([]);
    expect(await missingLocalFiles(gb, rows)).toEqual([]);
    // every completed asset answers its file through the API too
    const sample = await admin.get(`/api/assets/${rows[0]!.id}`).ok();
    expect((await fetch(sample.file_url)).status).toBe(200);

    const worst = Math.max(...rows.map((r) => r.completed_at!.getTime() - r.created_at.getTime()));
    console.log(
      `[faults] ${TOTAL} assets, ${KILLS} SIGKILLs at ${kills.map((k) => `${(k.at / 1000).toFixed(1)}s (${k.processing} PROCESSING)`).join(', ')}; ` +
        `all terminal ${((doneAt - t0) / 1000).toFixed(1)} s after the first request, ${((doneAt - lastKill) / 1000).toFixed(1)} s after the last kill; ` +
        `slowest asset ${(worst / 1000).toFixed(1)} s from request to COMPLETED (lock ${LOCK_MS} ms, stalled check ${STALLED_MS} ms)`,
    );
  }, 150_000);
});
