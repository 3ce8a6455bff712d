import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../../test/simulators/kie.sim.js';
import { type TestGenbox, type UserClient, freePort, startTestGenbox } from '../harness.js';
import { OwnRedis } from './own-services.js';
import { ADMIN, WorkerProcess, allSettled, historyProblems, loginAdmin, missingLocalFiles, sleep, startMidRun } from './fault-kit.js';

const TOTAL = 24;

/** Every setting at its default: in particular no shorter reconcile interval, the work resumes on its own within seconds. */
describe('Redis restarted in the middle of a run', () => {
  let redis: OwnRedis;
  let gb: TestGenbox;
  let sim: KieSim;
  let admin: UserClient;
  let worker: WorkerProcess;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    [gb, sim] = await Promise.all([
      startTestGenbox({ ROLE: 'api', REDIS_URL: redis.url, GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }),
      startKieSim({ rateLimit: { max: 1000, windowMs: 1000 } }),
    ]);
    admin = await loginAdmin(gb);
    worker = await WorkerProcess.start(gb);
  });
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await gb?.stop();
    await sim?.close();
    await redis?.kill();
  });

  it('health says redis is down (503, quickly), the API lives on, and after the restart every asset finishes once', async () => {
    const { model, boxId } = await startMidRun(gb, admin, sim, { slug: 'kie-redis', boxName: 'Redis outage', total: TOTAL, outage: 'Redis dies' });

    await redis.kill();
    const t0 = Date.now();
    const health = await admin.get('/api/health/details');
    const healthMs = Date.now() - t0;
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('unavailable');
    expect(health.body.redis.ok).toBe(false);
    expect(health.body.postgres.ok).toBe(true);
    // the API still answers what does not need Redis
    expect((await admin.get(`/api/boxes/${boxId}/assets`).ok()).items).toHaveLength(TOTAL);
    await sleep(2000);
    expect(worker.alive, `worker died:\n${worker.output.join('').slice(-3000)}`).toBe(true);

    await redis.start(); // same port, empty: every queued job is gone
    const restarted = Date.now();
    const rows = await allSettled(gb, boxId, 30_000);
    const recoveredMs = Date.now() - restarted;
    expect(rows.filter((r) => r.status === 'PENDING' || r.status === 'PROCESSING').map((r) => `${r.id} ${r.status}`), 'unfinished 30 s after the restart').toEqual([]);
    expect(rows.filter((r) => r.status !== 'COMPLETED').map((r) => `${r.id} ${r.status} ${r.error_code}`)).toEqual([]);
    expect(await historyProblems(gb, boxId)).toEqual([]);
    expect(await missingLocalFiles(gb, rows)).toEqual([]);
    expect((await admin.get('/api/health')).status).toBe(200);
    expect(worker.alive).toBe(true);
    // new work goes through as usual
    const fresh = await admin.post(`/api/boxes/${boxId}/generate`, { prompt: 'after the storm', ai_model_id: model }).ok(202);
    expect((await admin.settled(fresh.id, 15_000)).status).toBe('COMPLETED');
    console.log(`[faults] Redis down ${((restarted - t0) / 1000).toFixed(1)} s; health answered 503 in ${healthMs} ms; all ${TOTAL} assets COMPLETED ${(recoveredMs / 1000).toFixed(1)} s after Redis came back`);
  }, 120_000);
});
