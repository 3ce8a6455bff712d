import { type ChildProcess, spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssetDto } from '@genbox/contracts';
import { expect } from 'vitest';
import type { KieSim } from '../../../../test/simulators/kie.sim.js';
import { type TestGenbox, UserClient, freePort } from '../harness.js';

export const ADMIN = { email: 'faults-admin@example.com', password: 'faults-admin-password' };
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
export const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELED'];

export async function loginAdmin(gb: TestGenbox): Promise<UserClient> {
  const r = await gb.client.post('/api/auth/login', ADMIN).ok();
  return new UserClient(gb.url, r.token, r.user.id, ADMIN.email, 'admin');
}

/** A provider of `kind` pointed at a simulator, and one model of it; answers the model id. */
export async function registerModel(admin: UserClient, p: { kind: string; baseUrl: string; apiKey: string; slug: string; apiEndpoint: string; modelType?: 'IMAGE' | 'VIDEO'; responseMapping?: unknown; provider?: Record<string, unknown> }): Promise<string> {
  const provider = await admin.post('/api/providers', { name: `${p.slug} provider`, kind: p.kind, base_url: p.baseUrl, api_key: p.apiKey, allow_private_network: true, ...p.provider }).ok(201);
  const model = await admin.post('/api/models', {
    provider_id: provider.id, name: p.slug, slug: p.slug, model_type: p.modelType ?? 'IMAGE', input_type: 'TEXT', api_endpoint: p.apiEndpoint, response_mapping: p.responseMapping, parameters_schema: {},
  }).ok(201);
  return model.id;
}

/** A Genbox worker as its own OS process (the built dist/main.js with ROLE=worker), so it can be SIGKILLed. */
export class WorkerProcess {
  readonly output: string[] = [];
  private exited: Promise<number | null>;
  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d) => this.output.push(String(d)));
    child.stderr!.on('data', (d) => this.output.push(String(d)));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** `timeoutMs`: how long it may take to say it is up (a cold start on a loaded machine takes a while). */
  static async start(gb: TestGenbox, extra: Record<string, string> = {}, timeoutMs = 20_000): Promise<WorkerProcess> {
    const env = { ...process.env, ...gb.env, ROLE: 'worker', PORT: String(await freePort()), RUN_MIGRATIONS: 'false', LOG_LEVEL: 'warn', GENBOX_ADMIN_EMAIL: '', GENBOX_ADMIN_PASSWORD: '', ...extra };
    const w = new WorkerProcess(spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    const until = Date.now() + timeoutMs;
    while (!w.output.join('').includes('is up')) {
      if (w.child.exitCode !== null || Date.now() > until) throw new Error(`worker did not start:\n${w.output.join('')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return w;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.alive) return;
    this.child.kill(signal);
    await this.exited;
  }
}

/** Every asset of a box, straight from the database (status, file, timings). */
export function assetRows(gb: TestGenbox, boxId: string) {
  return gb.sql<{ id: string; status: string; storage_key: string | null; size_bytes: string | null; error_code: string | null; started_at: Date | null; completed_at: Date | null; created_at: Date }>(
    'SELECT id, status, storage_key, size_bytes, error_code, started_at, completed_at, created_at FROM assets WHERE box_id = $1',
    [boxId],
  );
}

/** Polls the database until no asset of the box is PENDING or PROCESSING; answers the rows then. */
export async function allSettled(gb: TestGenbox, boxId: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await assetRows(gb, boxId);
    if (rows.every((r) => TERMINAL.includes(r.status)) || Date.now() > until) return rows;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Assets of the box with how many terminal transitions their history records, and any move backwards. */
export async function historyProblems(gb: TestGenbox, boxId: string): Promise<{ id: string; terminals: number; backwards: number }[]> {
  return gb.sql(
    `SELECT a.id,
            count(*) FILTER (WHERE e.to_status IN ('COMPLETED','FAILED','CANCELED'))::int AS terminals,
            count(*) FILTER (WHERE e.from_status = 'PROCESSING' AND e.to_status = 'PENDING')::int AS backwards
       FROM assets a JOIN asset_events e ON e.asset_id = a.id
      WHERE a.box_id = $1 GROUP BY a.id
     HAVING count(*) FILTER (WHERE e.to_status IN ('COMPLETED','FAILED','CANCELED')) <> 1
         OR count(*) FILTER (WHERE e.from_status = 'PROCESSING' AND e.to_status = 'PENDING') > 0`,
    [boxId],
  );
}

/** COMPLETED assets whose file is missing from local storage or is not the size the row says. */
export async function missingLocalFiles(gb: TestGenbox, rows: { id: string; status: string; storage_key: string | null; size_bytes: string | null }[]): Promise<string[]> {
  const bad: string[] = [];
  for (const r of rows.filter((x) => x.status === 'COMPLETED')) {
    const s = r.storage_key ? await stat(join(gb.dataDir, r.storage_key)).catch(() => null) : null;
    if (!s || s.size !== Number(r.size_bytes)) bad.push(`${r.id} (${r.storage_key}: ${s ? `${s.size} bytes, row says ${r.size_bytes}` : 'no file'})`);
  }
  return bad;
}

/** Starts `total` generations in batches of up to 8; answers the created assets. */
export async function startGenerations(user: UserClient, boxId: string, modelId: string, total: number, prompt = 'a fault-tolerant fox'): Promise<AssetDto[]> {
  const out: AssetDto[] = [];
  while (out.length < total) {
    const count = Math.min(8, total - out.length);
    const res = await user.post(`/api/boxes/${boxId}/generate`, { prompt, ai_model_id: modelId, count }).ok(202);
    out.push(...(count === 1 ? [res] : res.items));
  }
  return out;
}

/**
 * The start of an outage test: a Kie model on `sim` whose tasks run 2 s each, with room for 8 at
 * once, and `total` generations started in a new box; after a second both kinds of work are in
 * flight (some PROCESSING at the provider, the rest PENDING for a slot), which it checks, so the
 * outage that follows hits both.
 */
export async function startMidRun(gb: TestGenbox, admin: UserClient, sim: KieSim, p: { slug: string; boxName: string; total: number; outage: string }): Promise<{ model: string; boxId: string }> {
  const model = await registerModel(admin, {
    kind: 'kie', baseUrl: sim.url, apiKey: sim.apiKey, slug: p.slug, apiEndpoint: 'nano-banana-2', responseMapping: { poll: { interval_ms: 150 } },
    provider: { max_concurrency: 8 },
  });
  for (let i = 0; i < p.total; i++) sim.scripts.push({ steps: [{ phase: 'running', ms: 2000 }], outcome: 'succeeded' });
  const box = await admin.createBox(p.boxName);
  await startGenerations(admin, box.id, model, p.total);
  await sleep(1000);
  const before = await gb.sql<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM assets WHERE box_id = $1 GROUP BY status', [box.id]);
  expect(before.find((r) => r.status === 'PROCESSING')?.n, `some assets PROCESSING when ${p.outage}`).toBeGreaterThan(0);
  expect(before.find((r) => r.status === 'PENDING')?.n, `some assets PENDING when ${p.outage}`).toBeGreaterThan(0);
  return { model, boxId: box.id };
}

type AssetFileRow = { id: string; status: string; storage_key: string | null; size_bytes: string | null };

/**
 * What an outage test checks once the service it stopped is back (call it right then): within
 * 30 s every asset of the box is COMPLETED exactly once with its file as the row says
 * (`missingFiles` looks in the store the test uses), each task reached the provider once, the
 * worker lives, readiness says 200 and a new generation goes through. Answers the ms it took.
 */
export async function expectRecovered(p: {
  gb: TestGenbox; admin: UserClient; sim: KieSim; worker: WorkerProcess; boxId: string; model: string; total: number;
  missingFiles: (rows: AssetFileRow[]) => Promise<string[]>;
}): Promise<number> {
  const back = Date.now();
  const rows = await allSettled(p.gb, p.boxId, 30_000);
  const recoveredMs = Date.now() - back;
  expect(rows.filter((r) => r.status !== 'COMPLETED').map((r) => `${r.id} ${r.status} ${r.error_code}`), 'not COMPLETED within 30 s of the return').toEqual([]);
  expect(await historyProblems(p.gb, p.boxId)).toEqual([]);
  expect(await p.missingFiles(rows)).toEqual([]);
  expect(p.sim.tasks.size, 'tasks created at the provider').toBe(p.total);
  expect(p.worker.alive, `worker died:\n${p.worker.output.join('').slice(-3000)}`).toBe(true);
  expect((await fetch(`${p.gb.url}/api/health/ready`)).status).toBe(200);
  const fresh = await p.admin.post(`/api/boxes/${p.boxId}/generate`, { prompt: 'after the outage', ai_model_id: p.model }).ok(202);
  expect((await p.admin.settled(fresh.id, 15_000)).status).toBe('COMPLETED');
  return recoveredMs;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
