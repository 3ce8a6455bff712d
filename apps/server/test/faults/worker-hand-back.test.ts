import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../../test/simulators/kie.sim.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';
import { ADMIN, WorkerProcess, allSettled, historyProblems, loginAdmin, registerModel, sleep } from './fault-kit.js';

/** The provider's status call hangs this long, far past SHUTDOWN_GRACE_MS (8 s by default). */
const HANG_MS = 40_000;

describe('a worker told to stop while a job hangs on a slow provider', () => {
  let gb: TestGenbox;
  let sim: KieSim;
  let admin: UserClient;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    [gb, sim] = await Promise.all([
      startTestGenbox({ ROLE: 'api', GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }),
      startKieSim({ rateLimit: { max: 1000, windowMs: 1000 } }),
    ]);
    admin = await loginAdmin(gb);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await gb?.stop();
    await sim?.close();
  });

  it('hands the job back, exits without waiting for it, and another worker finishes the asset once', async () => {
    const model = await registerModel(admin, { kind: 'kie', baseUrl: sim.url, apiKey: sim.apiKey, slug: 'kie-hand-back', apiEndpoint: 'nano-banana-2', responseMapping: { poll: { interval_ms: 150 } } });
    sim.scripts.push({ steps: [{ phase: 'running', ms: 500 }], outcome: 'succeeded' });
    // the first status call answers only after HANG_MS
    sim.faults.add('recordInfo', { status: 503, body: { code: 503, msg: 'slow' }, delayMs: HANG_MS });
    const first = await WorkerProcess.start(gb, { LOG_LEVEL: 'log' }, 90_000);
    workers.push(first);
    const box = await admin.createBox('Hand back');
    const asset = await admin.post(`/api/boxes/${box.id}/generate`, { prompt: 'slow to answer', ai_model_id: model }).ok(202);
    // submitted and its first poll on its way
    for (let i = 0; i < 400 && !(await gb.sql('SELECT external_task_id FROM assets WHERE id = $1', [asset.id]))[0]?.external_task_id; i++) await sleep(50);
    await sleep(1000);
    const second = await WorkerProcess.start(gb, {}, 90_000);
    workers.push(second);

    const t = Date.now();
    await first.kill('SIGTERM');
    const stoppedMs = Date.now() - t;
    expect(first.child.exitCode, first.output.join('').slice(-2000)).toBe(0);
    expect(first.output.join('')).toContain('handed back for another worker');

    const [row] = await allSettled(gb, box.id, 30_000);
    expect(row!.status, second.output.join('').slice(-2000)).toBe('COMPLETED');
    expect(await historyProblems(gb, box.id)).toEqual([]);
    expect(sim.tasks.size).toBe(1);
    console.log(`[faults] a worker holding a ${HANG_MS / 1000} s provider call stopped in ${stoppedMs} ms (noisy: shared machine)`);
  }, 240_000);
});
