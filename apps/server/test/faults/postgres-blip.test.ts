import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../../test/simulators/kie.sim.js';
import { type TestGenbox, type UserClient, freePort, startTestGenbox } from '../harness.js';
import { ADMIN, WorkerProcess, expectRecovered, loginAdmin, missingLocalFiles, sleep, startMidRun } from './fault-kit.js';
import { OwnPostgres } from './own-services.js';

const TOTAL = 24;
/** How long PostgreSQL stays down, in ms. */
const OUTAGE_MS = 4000;

/**
 * PostgreSQL stopped (fast shutdown: connections cut) for a few seconds in the middle of a run, on
 * a cluster of this test's own, with every setting at its default: no job spends its provider
 * tries on the outage, and the work carries on within seconds of the database's return.
 */
describe('PostgreSQL stopped in the middle of a run', () => {
  let pg: OwnPostgres;
  let gb: TestGenbox;
  let sim: KieSim;
  let admin: UserClient;
  let worker: WorkerProcess;

  beforeAll(async () => {
    pg = await OwnPostgres.create(await freePort());
    [gb, sim] = await Promise.all([
      startTestGenbox({ ROLE: 'api', DATABASE_URL: `${pg.url}/genbox_blip`, GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }),
      startKieSim({ rateLimit: { max: 1000, windowMs: 1000 } }),
    ]);
    admin = await loginAdmin(gb);
    worker = await WorkerProcess.start(gb);
  }, 60_000);
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await gb?.stop().catch(() => undefined);
    await sim?.close();
    await pg?.destroy();
  });

  it('readiness says 503 meanwhile, and every asset then finishes exactly once, each sent to the provider once', async () => {
    const { model, boxId } = await startMidRun(gb, admin, sim, { slug: 'kie-pg-blip', boxName: 'Database outage', total: TOTAL, outage: 'PostgreSQL stops' });

    await pg.stop();
    const stopped = Date.now();
    const ready = await fetch(`${gb.url}/api/health/ready`, { signal: AbortSignal.timeout(5000) });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable' });
    // what needs the database says so, with a hint to come back, rather than a bare 500
    const list = await admin.get(`/api/boxes/${boxId}/assets`);
    expect(list.status).toBe(503);
    expect(list.body.error).toBe('service_unavailable');
    await sleep(OUTAGE_MS - (Date.now() - stopped));

    await pg.start();
    const restarted = Date.now();
    const recoveredMs = await expectRecovered({ gb, admin, sim, worker, boxId, model, total: TOTAL, missingFiles: (rows) => missingLocalFiles(gb, rows) });
    console.log(`[faults] PostgreSQL down ${((restarted - stopped) / 1000).toFixed(1)} s; all ${TOTAL} assets COMPLETED ${(recoveredMs / 1000).toFixed(1)} s after it came back (noisy: shared machine)`);
  }, 120_000);
});
