import Bull from 'bull';
import pg from 'pg';
import { startOpenAISimulator } from '../simulators/openai.sim.js';
import { Api, REDIS_URL, cpuOfCommands, pgTransactions, redisCommandCounts, sandbox, sleep, startGenboxProc } from './procs.js';
import { percentile } from './stats.js';

export interface PipelineOptions { generations: number; concurrency: number; inflight: number; warmup: number; timeoutMs: number; /** generations run one at a time after the flood */ atRest: number }

export interface PipelineResult {
  generations: number;
  completed: number;
  failed: number;
  seconds: number;
  perSecond: number;
  cpuMsPerGen: { api: number; worker: number; total: number; sys: number; pg: number; redis: number; bench: number };
  pickupMs: { p50: number; p99: number };
  e2eMs: { p50: number; p99: number };
  /** One generation at a time, nothing queued: the latencies a person sees on a quiet install. */
  atRest: { generations: number; pickupMs: { p50: number; p99: number }; e2eMs: { p50: number; p99: number } };
  /** Per generation: Redis commands (top ones named) and PostgreSQL transactions. */
  trips: { redis: number; redisTop: string; pg: number };
}

/**
 * Watches `waiting` → `active` of a Bull queue through its global events: the pickup latency of
 * each job, as the gap between the two notifications. With `exact` on, it reads instead what Bull
 * itself recorded on the job (`processedOn - timestamp`, whole ms), which does not depend on when
 * the notifications reach this process; that costs a read per job, so only for the quiet phase.
 */
export function pickupWatcher(name: string, prefix: string) {
  const queue = new Bull(name, { redis: REDIS_URL, prefix });
  const added = new Map<string, number>();
  const pickups: number[] = [];
  let completed = 0;
  let exact = false;
  queue.on('global:waiting', (id: string) => void added.set(String(id), performance.now()));
  queue.on('global:active', (id: string) => {
    const t = added.get(String(id));
    added.delete(String(id));
    if (!exact) {
      if (t !== undefined) pickups.push(performance.now() - t);
      return;
    }
    void queue.getJob(id).then((job) => {
      if (job?.processedOn && job.timestamp) pickups.push(job.processedOn - job.timestamp);
    }, () => undefined);
  });
  queue.on('global:completed', () => void completed++);
  return {
    queue,
    pickups,
    get completed() { return completed; },
    ready: () => queue.isReady(),
    reset() { pickups.length = 0; completed = 0; },
    set exact(on: boolean) { exact = on; },
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
    const cpu0 = { api: await api.cpuMs(), worker: await worker.cpuMs(), sys: (await api.sysMs()) + (await worker.sysMs()), pg: await cpuOfCommands(['postgres']), redis: await cpuOfCommands(['redis-server']) };
    const bench0 = process.cpuUsage();
    const redis0 = await redisCommandCounts();
    const pg0 = await settledPgTransactions(db);
    const t0 = performance.now();
    await drive(o.generations);
    const settled = await waitSettled(o.warmup + o.generations, Date.now() + o.timeoutMs);
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = { api: await api.cpuMs(), worker: await worker.cpuMs(), sys: (await api.sysMs()) + (await worker.sysMs()), pg: await cpuOfCommands(['postgres']), redis: await cpuOfCommands(['redis-server']) };
    const bench1 = process.cpuUsage(bench0);
    const redis1 = await redisCommandCounts();
    const pg1 = await settledPgTransactions(db);

    const done = settled - o.warmup;
    const rows = (await db.query(`
      SELECT status, extract(epoch FROM completed_at - created_at) * 1000 AS ms FROM assets
      ORDER BY created_at OFFSET $1 LIMIT $2`, [o.warmup, o.generations])).rows as { status: string; ms: number | null }[];
    const underLoad = [...watcher.pickups];

    // then at rest: each generation waits for the one before, so the queue is empty when it arrives
    log(`pipeline: ${o.atRest} generations one at a time`);
    watcher.reset();
    watcher.exact = true;
    for (let i = 0; i < o.atRest; i++) {
      await generate();
      await waitSettled(settled + i + 1, Date.now() + 10_000);
    }
    // from the rows: created (the POST's insert) → completed, both stamped by PostgreSQL
    const quiet = (await db.query(`
      SELECT extract(epoch FROM completed_at - created_at) * 1000 AS ms FROM assets
      WHERE status = 'COMPLETED' ORDER BY created_at OFFSET $1`, [settled])).rows.map((r: { ms: number }) => Number(r.ms));
    const e2e = rows.filter((r) => r.status === 'COMPLETED').map((r) => Number(r.ms));
    const per = (ms: number) => ms / Math.max(1, done);
    return {
      generations: o.generations,
      completed: e2e.length,
      failed: rows.filter((r) => r.status === 'FAILED').length,
      seconds,
      perSecond: done / seconds,
      cpuMsPerGen: { api: per(cpu1.api - cpu0.api), worker: per(cpu1.worker - cpu0.worker), total: per(cpu1.api - cpu0.api + cpu1.worker - cpu0.worker), sys: per(cpu1.sys - cpu0.sys), pg: per(cpu1.pg - cpu0.pg), redis: per(cpu1.redis - cpu0.redis), bench: per((bench1.user + bench1.system) / 1000) },
      pickupMs: { p50: percentile(underLoad, 50), p99: percentile(underLoad, 99) },
      atRest: { generations: o.atRest, pickupMs: { p50: percentile(watcher.pickups, 50), p99: percentile(watcher.pickups, 99) }, e2eMs: { p50: percentile(quiet, 50), p99: percentile(quiet, 99) } },
      e2eMs: { p50: percentile(e2e, 50), p99: percentile(e2e, 99) },
      trips: { ...redisPerGeneration(redis0, redis1, done), pg: (pg1 - pg0) / Math.max(1, done) },
    };
  } finally {
    await watcher?.close().catch(() => undefined);
    await db.end().catch(() => undefined);
    for (const p of procs.reverse()) await p.stop(process.env.BENCH_CPU_PROF ? 'SIGUSR2' : 'SIGTERM');
    await sim.close();
    await box.drop();
  }
}

/**
 * PostgreSQL publishes a backend's counters up to a second after its transactions (longer when it
 * then sits idle), so read until the figure holds still. The reads' own transactions are subtracted.
 */
async function settledPgTransactions(db: pg.Client): Promise<number> {
  let last = await pgTransactions(db);
  for (let reads = 1, still = 0; still < 3 && reads < 30; reads++) {
    await sleep(500);
    const n = await pgTransactions(db);
    still = n - last <= 2 ? still + 1 : 0;
    last = n;
  }
  return last;
}

function redisPerGeneration(before: Map<string, number>, after: Map<string, number>, done: number) {
  const diff = [...after].map(([cmd, n]) => [cmd, (n - (before.get(cmd) ?? 0)) / Math.max(1, done)] as const).filter(([, n]) => n > 0.05);
  diff.sort((a, b) => b[1] - a[1]);
  const total = diff.reduce((sum, [, n]) => sum + n, 0);
  return { redis: total, redisTop: diff.slice(0, Number(process.env.BENCH_TOP ?? 6)).map(([cmd, n]) => `${cmd} ${n.toFixed(1)}`).join(', ') };
}
