import Bull from 'bull';
import pg from 'pg';
import { startOpenAISimulator } from '../simulators/openai.sim.js';
import { Api, REDIS_URL, cpuOfCommands, sandbox, sleep, startGenboxProc } from './procs.js';
import { percentile } from './stats.js';

export interface PipelineOptions { generations: number; concurrency: number; inflight: number; warmup: number; timeoutMs: number }

export interface PipelineResult {
  generations: number;
  completed: number;
  failed: number;
  seconds: number;
  perSecond: number;
  cpuMsPerGen: { api: number; worker: number; total: number; pgRedis: number };
  pickupMs: { p50: number; p99: number };
  e2eMs: { p50: number; p99: number };
}

/** Watches `waiting` → `active` of a Bull queue through its global events: the pickup latency of each job. */
export function pickupWatcher(name: string, prefix: string) {
  const queue = new Bull(name, { redis: REDIS_URL, prefix });
  const added = new Map<string, number>();
  const pickups: number[] = [];
  let completed = 0;
  queue.on('global:waiting', (id: string) => void added.set(String(id), performance.now()));
  queue.on('global:active', (id: string) => {
    const t = added.get(String(id));
    if (t !== undefined) pickups.push(performance.now() - t), added.delete(String(id));
  });
  queue.on('global:completed', () => void completed++);
  return {
    queue,
    pickups,
    get completed() { return completed; },
    ready: () => queue.isReady(),
    reset() { pickups.length = 0; completed = 0; },
    close: () => queue.close(),
  };
}

/**
 * POST generate → Bull → OpenAI simulator (synchronous, a 64×64 PNG) → store + thumbnail →
 * COMPLETED, with one API process and one worker process of the built server.
 */
export async function runPipeline(o: PipelineOptions, log: (s: string) => void): Promise<PipelineResult> {
  const box = await sandbox('pipe');
  const sim = await startOpenAISimulator({ apiKey: 'sk-bench' });
  const procs: Awaited<ReturnType<typeof startGenboxProc>>[] = [];
  const db = new pg.Client({ connectionString: box.databaseUrl });
  let watcher: ReturnType<typeof pickupWatcher> | null = null;
  try {
    const env = { WORKER_CONCURRENCY: String(o.concurrency) };
    const api = await startGenboxProc(box, 'api', { ...env, ROLE: 'api' });
    procs.push(api);
    const worker = await startGenboxProc(box, 'worker', { ...env, ROLE: 'worker' });
    procs.push(worker);
    await db.connect();
    watcher = pickupWatcher('generation', box.redisPrefix);
    await watcher.ready();

    const admin = await Api.login(api.url);
    const provider = await admin.call('POST', '/api/providers', { name: 'OpenAI sim', kind: 'openai', base_url: sim.apiUrl, api_key: sim.apiKey, allow_private_network: true, max_concurrency: 1000, rate_limit: { requests: 1_000_000, per_ms: 1000 } });
    const model = await admin.call('POST', '/api/models', { provider_id: provider.id, name: 'Bench image', slug: 'bench-image', model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'gpt-image-1', parameters_schema: {} });
    const b = await admin.call('POST', '/api/boxes', { name: 'Bench box' });
    const generate = () => admin.call('POST', `/api/boxes/${b.id}/generate`, { prompt: 'a tiny red square', ai_model_id: model.id }, 202);
    const settledCount = async () => (await db.query(`SELECT count(*)::int AS n FROM assets WHERE status IN ('COMPLETED', 'FAILED', 'CANCELED')`)).rows[0].n as number;

    const drive = async (n: number) => {
      let next = 0;
      await Promise.all(Array.from({ length: Math.min(o.inflight, n) }, async () => {
        while (next < n) { next++; await generate(); }
      }));
    };
    const waitSettled = async (target: number, until: number) => {
      for (;;) {
        const n = await settledCount();
        if (n >= target || Date.now() > until) return n;
        await sleep(20);
      }
    };

    log(`pipeline: warm-up, ${o.warmup} generations`);
    await drive(o.warmup);
    await waitSettled(o.warmup, Date.now() + 30_000);
    await sleep(300);
    watcher.reset();

    log(`pipeline: ${o.generations} generations, ${o.inflight} requests in flight, WORKER_CONCURRENCY=${o.concurrency}`);
    const cpu0 = { api: await api.cpuMs(), worker: await worker.cpuMs(), other: await cpuOfCommands(['postgres', 'redis-server']) };
    const t0 = performance.now();
    await drive(o.generations);
    const settled = await waitSettled(o.warmup + o.generations, Date.now() + o.timeoutMs);
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = { api: await api.cpuMs(), worker: await worker.cpuMs(), other: await cpuOfCommands(['postgres', 'redis-server']) };

    const done = settled - o.warmup;
    const rows = (await db.query(`
      SELECT status, extract(epoch FROM completed_at - created_at) * 1000 AS ms FROM assets
      ORDER BY created_at OFFSET $1`, [o.warmup])).rows as { status: string; ms: number | null }[];
    const e2e = rows.filter((r) => r.status === 'COMPLETED').map((r) => Number(r.ms));
    const per = (ms: number) => ms / Math.max(1, done);
    return {
      generations: o.generations,
      completed: e2e.length,
      failed: rows.filter((r) => r.status === 'FAILED').length,
      seconds,
      perSecond: done / seconds,
      cpuMsPerGen: { api: per(cpu1.api - cpu0.api), worker: per(cpu1.worker - cpu0.worker), total: per(cpu1.api - cpu0.api + cpu1.worker - cpu0.worker), pgRedis: per(cpu1.other - cpu0.other) },
      pickupMs: { p50: percentile(watcher.pickups, 50), p99: percentile(watcher.pickups, 99) },
      e2eMs: { p50: percentile(e2e, 50), p99: percentile(e2e, 99) },
    };
  } finally {
    await watcher?.close().catch(() => undefined);
    await db.end().catch(() => undefined);
    for (const p of procs.reverse()) await p.stop(process.env.BENCH_CPU_PROF ? 'SIGUSR2' : 'SIGTERM');
    await sim.close();
    await box.drop();
  }
}
