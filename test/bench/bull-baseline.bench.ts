import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pickupWatcher } from './pipeline.bench.js';
import { Proc, REDIS_URL, ROOT, sleep } from './procs.js';
import { percentile } from './stats.js';

export interface BullBaselineResult { jobs: number; seconds: number; perSecond: number; workerCpuMsPerJob: number; pickupMs: { p50: number; p99: number } }

/**
 * Raw Bull: no-op jobs added with Genbox's job options from this process, processed by a child
 * worker process at the same concurrency. The ceiling the pipeline's queue could reach.
 */
export async function runBullBaseline(o: { jobs: number; concurrency: number; inflight: number }, log: (s: string) => void): Promise<BullBaselineResult> {
  const prefix = `gbbench:bull_${randomBytes(4).toString('hex')}`;
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./bull-noop.worker.ts', import.meta.url))], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, QUEUE: 'noop', REDIS_URL, PREFIX: prefix, CONCURRENCY: String(o.concurrency) },
  });
  const worker = new Proc('bull-noop', child);
  const watcher = pickupWatcher('noop', prefix);
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', () => reject(new Error(`bull worker exited: ${worker.output.join('')}`)));
    });
    await watcher.ready();
    log(`bull baseline: ${o.jobs} no-op jobs, concurrency ${o.concurrency}`);
    const add = (i: number) => watcher.queue.add('noop', { assetId: `job-${i}`, try: 0 }, { jobId: `job-${i}`, removeOnComplete: true, removeOnFail: true, attempts: 3, backoff: { type: 'exponential', delay: 1000 } });
    const cpu0 = await worker.cpuMs();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: o.inflight }, async () => {
      while (next < o.jobs) await add(next++);
    }));
    const until = Date.now() + 60_000;
    while (watcher.completed < o.jobs && Date.now() < until) await sleep(5);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = (await worker.cpuMs()) - cpu0;
    return {
      jobs: watcher.completed, seconds, perSecond: watcher.completed / seconds, workerCpuMsPerJob: cpu / Math.max(1, watcher.completed),
      pickupMs: { p50: percentile(watcher.pickups, 50), p99: percentile(watcher.pickups, 99) },
    };
  } finally {
    await worker.stop();
    await watcher.queue.obliterate({ force: true }).catch(() => undefined);
    await watcher.close();
  }
}
