// Files of any size at flat memory (issue 15): a big upload through the API and a big result
// ingested from the Replicate simulator, each against a raw write of the same bytes to the same store.
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { startReplicateSim } from '../simulators/replicate.sim.js';
import { SAMPLE_MP4, writeFileInto } from '../simulators/shared/index.js';
import { Api, type GenboxProc, Proc, ROOT, sandbox, sleep, startGenboxProc } from './procs.js';
import { percentile } from './stats.js';

export type BigStorage = 'local' | 's3';
export interface BigFileOptions { sizeBytes: number; runs: number; storages: BigStorage[] }

/** One path (upload or ingest) over the runs: medians, each run's throughput set against the raw write of the same run. */
export interface BigPathFigures { rssGrowthMb: number; rssGrowthMaxMb: number; mbPerS: number; rawMbPerS: number; ratio: number; ratios: number[] }
export interface BigFileResult { storage: BigStorage; sizeBytes: number; runs: number; upload: BigPathFigures; ingest: BigPathFigures; load: { before: number[]; after: number[] } }

const MB = 1024 * 1024;
/** The caps the servers run with: 5 GB, the least a deployment must be able to set. */
const CAP = String(5 * 1024 ** 3);

/**
 * A valid MP4 of `size` bytes made without encoding anything big: the 1 s sample clip (ftyp, moov,
 * mdat) followed by a `free` box of zeros that fills the rest. Players, ffprobe and the upload's
 * type check skip a free box, so it is the real clip to every reader, at the size of a long one.
 */
export async function makeBigMp4(path: string, size: number): Promise<void> {
  const pad = size - SAMPLE_MP4.length;
  // a box over 4 GB says size 1 and carries its size in a 64-bit field after the type
  const header = pad < 2 ** 32 ? Buffer.alloc(8) : Buffer.alloc(16);
  if (header.length === 8) header.writeUInt32BE(pad, 0);
  else {
    header.writeUInt32BE(1, 0);
    header.writeBigUInt64BE(BigInt(pad), 8);
  }
  header.write('free', 4, 'latin1');
  const file = await open(path, 'w');
  try {
    await file.write(Buffer.concat([SAMPLE_MP4, header]));
    const zeros = Buffer.alloc(4 * MB);
    for (let left = pad - header.length; left > 0; left -= zeros.length) await file.write(zeros, 0, Math.min(left, zeros.length));
  } finally {
    await file.close();
  }
}

/** Peak resident memory of a process over a span, from /proc/<pid>/status: VmRSS sampled every 20 ms and VmHWM. */
class RssWatch {
  private base = 0;
  private hwm0 = 0;
  private peak = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly pid: number) {}

  async start(): Promise<void> {
    const s = await this.read();
    this.base = this.peak = s.rss;
    this.hwm0 = s.hwm;
    this.timer = setInterval(() => void this.read().then((r) => (this.peak = Math.max(this.peak, r.rss)), () => undefined), 20);
  }

  /** Growth over the span in MB: the highest RSS seen (VmHWM too, when it rose during the span) less RSS at the start. */
  async stop(): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    const s = await this.read();
    const peak = Math.max(this.peak, s.rss, s.hwm > this.hwm0 ? s.hwm : 0);
    return (peak - this.base) / 1024;
  }

  private async read(): Promise<{ rss: number; hwm: number }> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  }
}

interface S3Proc { endpoint: string; proc: Proc }

/** s3rver in a child process (`s3rver.node.ts`), so it has an event loop of its own, as a real store would. */
async function startS3Proc(): Promise<S3Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./s3rver.node.ts', import.meta.url))], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: process.env,
  });
  const proc = new Proc('s3rver', child);
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { endpoint: string }) => resolve(m.endpoint));
    child.once('exit', () => reject(new Error(`s3rver exited: ${proc.output.join('')}`)));
  });
  return { endpoint, proc };
}

/**
 * POSTs the file as a multipart upload, streamed from disk with its length announced, as a browser
 * does; through writeFileInto, as the browser's CPU is not this machine's.
 */
function uploadFile(api: Api, boxId: string, path: string, size: number): Promise<{ status: number; body: string }> {
  const boundary = `----genboxbench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = http.request(`${api.baseUrl}/api/boxes/${boxId}/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + size + tail.length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.write(head);
    writeFileInto(req, path).then(() => req.end(tail), reject);
  });
}

/** The raw baseline: the same bytes written straight to the store, by the plainest means there is, in a fresh process (`raw-write.mjs`). */
async function rawWrite(storage: BigStorage, path: string, dataDir: string, s3: S3Proc | null): Promise<number> {
  const script = fileURLToPath(new URL('./raw-write.mjs', import.meta.url));
  const name = `raw-${randomBytes(4).toString('hex')}`;
  const args = storage === 'local' ? ['local', path, join(dataDir, name)] : ['s3', path, s3!.endpoint, name];
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [script, ...args], { cwd: ROOT });
    return Number(stdout.trim());
  } finally {
    if (storage === 'local') await rm(join(dataDir, name), { force: true });
    else await deleteObject(s3!.endpoint, name);
  }
}

async function deleteObject(endpoint: string, key: string): Promise<void> {
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  try {
    await client.send(new DeleteObjectCommand({ Bucket: 'genbox', Key: key }));
  } finally {
    client.destroy();
  }
}

/**
 * Writes every dirty page to disk before a timed write, so that no write pays for the writeback of
 * the gigabyte written before it: without it, single runs of the same build ranged 0.5–1.5× raw.
 */
const settleDisk = () => promisify(execFile)('sync');

function figures(runs: { rssMb: number; seconds: number; rawSeconds: number }[], size: number): BigPathFigures {
  const mbps = (s: number) => size / MB / s;
  const ratios = runs.map((r) => r.rawSeconds / r.seconds);
  return {
    rssGrowthMb: percentile(runs.map((r) => r.rssMb), 50),
    rssGrowthMaxMb: Math.max(...runs.map((r) => r.rssMb)),
    mbPerS: percentile(runs.map((r) => mbps(r.seconds)), 50),
    rawMbPerS: percentile(runs.map((r) => mbps(r.rawSeconds)), 50),
    ratio: percentile(ratios, 50),
    ratios,
  };
}

/** One storage: an API and a worker process on it, then `runs` rounds of raw write, upload, raw write, ingest. */
export async function runBigFile(storage: BigStorage, o: BigFileOptions, log: (s: string) => void): Promise<BigFileResult> {
  const work = await mkdtemp(join(tmpdir(), 'genbox-bench-bigfile-'));
  const file = join(work, 'big.mp4');
  const box = await sandbox(`big_${storage}`);
  const sim = await startReplicateSim();
  const s3 = storage === 's3' ? await startS3Proc() : null;
  const procs: GenboxProc[] = [];
  const db = new pg.Client({ connectionString: box.databaseUrl });
  const load = { before: loadavg(), after: [] as number[] };
  try {
    log(`bigfile ${storage}: writing a ${(o.sizeBytes / MB).toFixed(0)} MB MP4`);
    await makeBigMp4(file, o.sizeBytes);
    const env: Record<string, string> = {
      MAX_UPLOAD_BYTES: CAP, MAX_RESULT_BYTES: CAP,
      ...(s3 ? { STORAGE: 's3', S3_ENDPOINT: s3.endpoint, S3_BUCKET: 'genbox', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_FORCE_PATH_STYLE: 'true' } : {}),
    };
    const api = await startGenboxProc(box, 'api', { ...env, ROLE: 'api' });
    procs.push(api);
    const worker = await startGenboxProc(box, 'worker', { ...env, ROLE: 'worker' });
    procs.push(worker);
    await db.connect();
    const admin = await Api.login(api.url);
    const boxId = (await admin.call('POST', '/api/boxes', { name: 'Big files' })).id as string;
    const provider = await admin.call('POST', '/api/providers', { name: 'Replicate sim', kind: 'replicate', base_url: `${sim.url}/v1`, api_key: sim.apiKey, allow_private_network: true });
    const model = await admin.call('POST', '/api/models', { provider_id: provider.id, name: 'Bench video', slug: 'bench-video', model_type: 'VIDEO', input_type: 'TEXT', api_endpoint: 'google/veo-3.1-fast', parameters_schema: {} });

    // warm-up with the 1 s sample: the first upload and result load sharp, ffmpeg's wrapper and the
    // S3 client's lazy parts, a one-off cost that is not the file's
    const sample = join(work, 'sample.mp4');
    await makeBigMp4(sample, 64 * 1024);
    const warm = await uploadFile(admin, boxId, sample, 64 * 1024);
    if (warm.status !== 201) throw new Error(`warm-up upload: HTTP ${warm.status} ${warm.body.slice(0, 300)}`);
    sim.scripts.push({ steps: [], outcome: 'succeeded', outputFile: { path: sample, mimeType: 'video/mp4', ext: 'mp4' } });
    const warmRow = await settled(db, (await admin.call('POST', `/api/boxes/${boxId}/generate`, { prompt: 'warm-up', ai_model_id: model.id }, 202)).id, 60_000);
    if (warmRow.status !== 'COMPLETED') throw new Error(`warm-up ingest ended ${warmRow.status}: ${warmRow.error_message}`);

    // raw writes alternate with the measured ones (raw, upload, raw, ingest, raw, …, raw): each
    // measured write is set against the mean of the raw writes just before and just after it, as the
    // machine's speed drifts over a run (a VM sharing its host)
    const raws: number[] = [];
    const timedRaw = async () => {
      await settleDisk();
      raws.push(await rawWrite(storage, file, box.dataDir, s3));
      await settleDisk();
      return raws.at(-1)!;
    };
    const uploads: { rssMb: number; seconds: number; rawAt: number }[] = [];
    const ingests: { rssMb: number; seconds: number; rawAt: number }[] = [];
    for (let run = 1; run <= o.runs; run++) {
      // upload: the API process holds the bytes
      const rawUp = await timedRaw();
      const apiRss = new RssWatch(api.child.pid!);
      await apiRss.start();
      const t0 = performance.now();
      const res = await uploadFile(admin, boxId, file, o.sizeBytes);
      const seconds = (performance.now() - t0) / 1000;
      const rssMb = await apiRss.stop();
      if (res.status !== 201) throw new Error(`upload: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      const uploaded = JSON.parse(res.body) as { id: string; width: number | null };
      if (!uploaded.width) throw new Error(`upload: stored but not measured (${res.body.slice(0, 300)})`);
      uploads.push({ rssMb, seconds, rawAt: raws.length - 1 });
      log(`bigfile ${storage} run ${run}: upload ${(o.sizeBytes / MB / seconds).toFixed(0)} MB/s (raw before it ${(o.sizeBytes / MB / rawUp).toFixed(0)}), API RSS +${rssMb.toFixed(1)} MB`);
      await admin.call('DELETE', `/api/assets/${uploaded.id}`, undefined, 204);

      // ingest: the worker downloads the provider's result into storage and measures it
      const rawIn = await timedRaw();
      const workerRss = new RssWatch(worker.child.pid!);
      sim.scripts.push({ steps: [], outcome: 'succeeded', outputFile: { path: file, mimeType: 'video/mp4', ext: 'mp4' } });
      await workerRss.start();
      const asset = await admin.call('POST', `/api/boxes/${boxId}/generate`, { prompt: 'a long take', ai_model_id: model.id }, 202);
      const row = await settled(db, asset.id as string, 600_000);
      const wrss = await workerRss.stop();
      if (row.status !== 'COMPLETED') throw new Error(`ingest: the asset ended ${row.status}: ${row.error_message}`);
      if (Number(row.size_bytes) !== o.sizeBytes || !row.width) throw new Error(`ingest: stored ${row.size_bytes} bytes, width ${row.width}`);
      // from the simulator's first byte asked for to the COMPLETED write: download, store, measure
      const get = sim.server.log.filter((r) => r.method === 'GET' && r.path.startsWith('/files/')).at(-1)!;
      const ingestSeconds = (row.completed_ms - get.at) / 1000;
      ingests.push({ rssMb: wrss, seconds: ingestSeconds, rawAt: raws.length - 1 });
      log(`bigfile ${storage} run ${run}: ingest ${(o.sizeBytes / MB / ingestSeconds).toFixed(0)} MB/s (raw before it ${(o.sizeBytes / MB / rawIn).toFixed(0)}), worker RSS +${wrss.toFixed(1)} MB`);
      await admin.call('DELETE', `/api/assets/${asset.id}`, undefined, 204);
    }
    await timedRaw();
    load.after = loadavg();
    const bracketed = (m: { rssMb: number; seconds: number; rawAt: number }) => ({ ...m, rawSeconds: (raws[m.rawAt]! + raws[m.rawAt + 1]!) / 2 });
    return { storage, sizeBytes: o.sizeBytes, runs: o.runs, upload: figures(uploads.map(bracketed), o.sizeBytes), ingest: figures(ingests.map(bracketed), o.sizeBytes), load };
  } finally {
    await db.end().catch(() => undefined);
    for (const p of procs.reverse()) await p.stop('SIGTERM');
    await sim.close();
    await s3?.proc.stop('SIGTERM');
    await box.drop();
    await rm(work, { recursive: true, force: true });
  }
}

interface SettledRow { status: string; error_message: string | null; size_bytes: string | null; width: number | null; completed_ms: number }

async function settled(db: pg.Client, id: string, timeoutMs: number): Promise<SettledRow> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query(`SELECT status, error_message, size_bytes, width, extract(epoch FROM completed_at) * 1000 AS completed_ms FROM assets WHERE id = $1`, [id]);
    const row = rows[0] as SettledRow | undefined;
    if (row && ['COMPLETED', 'FAILED', 'CANCELED'].includes(row.status)) return { ...row, completed_ms: Number(row.completed_ms) };
    if (Date.now() > until) throw new Error(`ingest: still ${row?.status} after ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

