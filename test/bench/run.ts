// `npm run bench`: pipeline throughput (issue 5), realtime fan-out (issue 6), the board (issue 14) and big files (issue 15), one table each.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { runListApi } from './board-api.bench.js';
import { runBoardWeb } from './board-web.bench.js';
import { runBullBaseline } from './bull-baseline.bench.js';
import { runPipeline } from './pipeline.bench.js';
import { type BigStorage, runBigFile } from './bigfile.bench.js';
import { runBareFanout, runProductFanout } from './realtime.bench.js';
import { fmt, table } from './stats.js';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    generations: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: process.env.WORKER_CONCURRENCY ?? '8' },
    inflight: { type: 'string', default: '32' },
    sockets: { type: 'string', default: '1000' },
    changes: { type: 'string', default: '50' },
    'board-assets': { type: 'string', default: '10000' },
    'bigfile-mb': { type: 'string', default: '1024' },
    'bigfile-runs': { type: 'string', default: '3' },
    'bigfile-storage': { type: 'string', default: 'local,s3' },
    'bigfile-minutes': { type: 'string', default: '20' },
  },
});
const log = (s: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);
const n = (s: string | undefined) => Number(s);
// 'board' is both of its halves: 'board-web' (the browser) and 'board-api' (the list API)
const wants = (part: string) => !args.only || args.only.split(',').some((o) => o === part || `${o}-web` === part || `${o}-api` === part);

const started = Date.now();
/** A hung part must not hold the machine: each budget ends the run when it is spent. */
function hardStop(minutes: number, what: string): NodeJS.Timeout {
  const t = setTimeout(() => {
    console.error(`bench: ${what} over its ${minutes} minute limit, giving up`);
    process.exit(2);
  }, minutes * 60_000);
  t.unref();
  return t;
}
const smallParts = hardStop(5, 'pipeline, realtime and board');

if (wants('pipeline')) {
  const concurrency = n(args.concurrency);
  const inflight = n(args.inflight);
  const bull = await runBullBaseline({ jobs: n(args.generations), concurrency, inflight }, log);
  // a warm-up of a few hundred: V8 has then compiled the hot paths and every pool connection has its prepared statements
  const p = await runPipeline({ generations: n(args.generations), concurrency, inflight, warmup: 300, timeoutMs: 90_000, atRest: 100 }, log);
  console.log(`\nPipeline (issue 5): ${p.generations} generations via the OpenAI simulator, 1 API + 1 worker process, WORKER_CONCURRENCY=${concurrency}, ${inflight} POSTs in flight`);
  console.log(table([
    ['measure', 'value', 'target'],
    ['generations completed / failed', `${p.completed} / ${p.failed}`, ''],
    ['generations per second (POST → COMPLETED)', fmt(p.perSecond), '≥ 200'],
    ['CPU ms per generation, API + worker', fmt(p.cpuMsPerGen.total, 2), '≤ 5'],
    ['  of which API process', fmt(p.cpuMsPerGen.api, 2), ''],
    ['  of which worker process', fmt(p.cpuMsPerGen.worker, 2), ''],
    ['  of which in the kernel (syscalls), both', fmt(p.cpuMsPerGen.sys, 2), ''],
    ['PostgreSQL CPU ms per generation (machine-wide)', fmt(p.cpuMsPerGen.pg, 2), ''],
    ['Redis CPU ms per generation (machine-wide)', fmt(p.cpuMsPerGen.redis, 2), ''],
    ['bench driver + simulator CPU ms per generation', fmt(p.cpuMsPerGen.bench, 2), ''],
    ['Redis commands per generation (machine-wide)', fmt(p.trips.redis, 1), ''],
    [`  most: ${p.trips.redisTop}`, '', ''],
    ['PostgreSQL transactions per generation', fmt(p.trips.pg, 1), ''],
    ['Bull pickup ms p50 / p99 (added → active), under the flood', `${fmt(p.pickupMs.p50)} / ${fmt(p.pickupMs.p99)}`, ''],
    ['POST → COMPLETED ms p50 / p99, under the flood', `${fmt(p.e2eMs.p50)} / ${fmt(p.e2eMs.p99)}`, ''],
    [`Bull pickup ms p50 / p99, at rest (${p.atRest.generations} one at a time)`, `${fmt(p.atRest.pickupMs.p50, 2)} / ${fmt(p.atRest.pickupMs.p99, 2)}`, ''],
    ['POST → COMPLETED ms p50 / p99, at rest', `${fmt(p.atRest.e2eMs.p50)} / ${fmt(p.atRest.e2eMs.p99)}`, ''],
    ['raw Bull no-op jobs per second', fmt(bull.perSecond), ''],
    ['raw Bull worker CPU ms per job', fmt(bull.workerCpuMsPerJob, 2), ''],
    ['raw Bull pickup ms p50 / p99', `${fmt(bull.pickupMs.p50)} / ${fmt(bull.pickupMs.p99)}`, ''],
  ]));
}

if (wants('realtime')) {
  const sockets = n(args.sockets);
  const changes = n(args.changes);
  const product = await runProductFanout({ sockets, changes }, log);
  const bare = await runBareFanout({ sockets, changes, sample: product.sample }, log);
  const p = product.result;
  console.log(`\nRealtime (issue 6): ${sockets} sockets on one box, half on each of 2 API nodes (Redis adapter); ${changes} status changes, one at a time`);
  console.log(table([
    ['measure', 'Genbox', 'bare socket.io', 'ratio'],
    ['every socket has it, ms p50', fmt(p.allMs.p50), fmt(bare.allMs.p50), fmt(p.allMs.p50 / bare.allMs.p50, 2)],
    ['every socket has it, ms p99', fmt(p.allMs.p99), fmt(bare.allMs.p99), fmt(p.allMs.p99 / bare.allMs.p99, 2) + ' (target ≤ 1.5)'],
    ['half the sockets have it, ms p50', fmt(p.medianSocketMs), fmt(bare.medianSocketMs), fmt(p.medianSocketMs / bare.medianSocketMs, 2)],
    ['first socket has it, ms p50', fmt(p.firstSocketMs), fmt(bare.firstSocketMs), fmt(p.firstSocketMs / bare.firstSocketMs, 2)],
    ['change request answered, ms p50', fmt(p.requestMs), fmt(bare.requestMs), ''],
    ['event JSON bytes', String(p.payloadBytes), String(bare.payloadBytes), ''],
    ['connect + join all sockets, s', fmt(p.setupS), fmt(bare.setupS), ''],
  ]));
}

if (wants('board-web')) {
  const w = await runBoardWeb({ bigAssets: n(args['board-assets']), smallAssets: 50, runs: 5, screens: 30 }, log);
  console.log(`\nBoard in the browser (issue 14): headless Chromium, the built web app, 1280×900`);
  console.log(table([
    ['measure', 'value', 'target'],
    [`first visible thumbnail, ${w.bigAssets}-asset box, ms (median of 5)`, fmt(w.firstThumbMs.big), ''],
    [`first visible thumbnail, ${w.smallAssets}-asset box, ms (median of 5)`, fmt(w.firstThumbMs.small), ''],
    ['  ratio big / small', fmt(w.firstThumbMs.big / w.firstThumbMs.small, 2), '≤ 1.2'],
    [`elements in the page after scrolling ${w.afterScroll.screens} screens`, String(w.afterScroll.elements), 'bounded'],
    ['  cards in the DOM / assets loaded', `${w.afterScroll.cards} / ${w.afterScroll.loaded}`, ''],
  ]));
}

if (wants('board-api')) {
  const l = await runListApi({ assets: n(args['board-assets']), concurrency: 32, requests: 1000, rounds: 3 }, log);
  console.log(`\nBoard list API (issue 14): GET /api/boxes/:id/assets, pages of 50 of a ${l.assets}-asset box (${l.pages} pages), 32 requests at once, vs the same keyset query straight to PostgreSQL (pool of 10, as the server's); the floor is that query behind a bare node:http server (no framework, token, rate limit or signed URLs)`);
  const ratio = (x: number, raw: number) => fmt(x / raw, 2);
  console.log(table([
    ['measure', 'API', 'floor', 'raw query', 'API / raw', 'floor / raw'],
    ['ms p50', fmt(l.apiMs.p50, 2), fmt(l.floorMs.p50, 2), fmt(l.rawMs.p50, 2), ratio(l.apiMs.p50, l.rawMs.p50), ratio(l.floorMs.p50, l.rawMs.p50)],
    ['ms p99', fmt(l.apiMs.p99, 2), fmt(l.floorMs.p99, 2), fmt(l.rawMs.p99, 2), ratio(l.apiMs.p99, l.rawMs.p99) + ' (target ≤ 1.5)', ratio(l.floorMs.p99, l.rawMs.p99)],
    ['server process CPU ms per request', fmt(l.serverCpuMs.api, 2), fmt(l.serverCpuMs.floor, 2), '', '', ''],
    ['PostgreSQL CPU ms per request (machine-wide)', fmt(l.pgCpuMs.api, 2), fmt(l.pgCpuMs.floor, 2), fmt(l.pgCpuMs.raw, 2), '', ''],
    ['bench driver CPU ms per request', fmt(l.driverCpuMs.api, 2), fmt(l.driverCpuMs.floor, 2), fmt(l.driverCpuMs.raw, 2), '', ''],
    ['JSON bytes per page', String(l.bytesPerPage), '', '', '', ''],
    ['machine load average (1 min), rounds start / end', `${fmt(l.load.start, 1)} / ${fmt(l.load.end, 1)}`, '', '', '', `${cpus().length} cores`],
  ]));
}

clearTimeout(smallParts);

if (wants('bigfile')) {
  // gigabytes through disk and S3, several times over: its own budget, not the 5 minutes of the others
  const budget = hardStop(n(args['bigfile-minutes']), 'bigfile');
  const o = { sizeBytes: n(args['bigfile-mb']) * 1024 * 1024, runs: n(args['bigfile-runs']), storages: args['bigfile-storage']!.split(',') as BigStorage[] };
  for (const storage of o.storages) {
    const r = await runBigFile(storage, o, log);
    const mb = (o.sizeBytes / 1024 / 1024).toFixed(0);
    console.log(`\nBig files (issue 15), ${storage} storage: a ${mb} MB MP4 uploaded through the API and ingested from the Replicate simulator by a worker; median of ${r.runs} runs (each against the mean of the raw writes just before and after it); load average ${r.load.before.map((l) => l.toFixed(2)).join(' ')} before, ${r.load.after.map((l) => l.toFixed(2)).join(' ')} after`);
    const raw = storage === 'local' ? 'raw write to the same disk' : 'raw @aws-sdk/lib-storage upload to the same s3rver';
    console.log(table([
      ['measure', 'upload (API)', 'ingest (worker)', 'target'],
      ['peak RSS growth, MB (median / highest)', `${fmt(r.upload.rssGrowthMb)} / ${fmt(r.upload.rssGrowthMaxMb)}`, `${fmt(r.ingest.rssGrowthMb)} / ${fmt(r.ingest.rssGrowthMaxMb)}`, '< 64'],
      ['throughput, MB/s', fmt(r.upload.mbPerS), fmt(r.ingest.mbPerS), ''],
      [`${raw}, MB/s`, fmt(r.upload.rawMbPerS), fmt(r.ingest.rawMbPerS), ''],
      ['ratio to raw (median of runs)', fmt(r.upload.ratio, 2), fmt(r.ingest.ratio, 2), '≥ 0.8'],
      ['  each run', r.upload.ratios.map((x) => fmt(x, 2)).join(' '), r.ingest.ratios.map((x) => fmt(x, 2)).join(' '), ''],
    ]));
  }
  clearTimeout(budget);
}

log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(0);
