import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../../test/simulators/kie.sim.js';
import { startOpenAISimulator } from '../../../../test/simulators/openai.sim.js';
import { INLINE_RESULT_BYTES } from '../../src/generation/generation.jobs.js';
import { type TestGenbox, type UserClient, freePort, pngBytes, startTestGenbox } from '../harness.js';
import { ADMIN, WorkerProcess, expectRecovered, loginAdmin, registerModel, sleep, startMidRun } from './fault-kit.js';
import { OwnS3 } from './own-services.js';

const TOTAL = 24;
/** How long the store stays down, in ms. */
const OUTAGE_MS = 4000;

/**
 * The S3 store killed for a few seconds in the middle of a run, every setting at its default: a
 * result that cannot be stored waits for the store, as it would for PostgreSQL or Redis, rather
 * than failing the asset or spending its provider tries, and goes COMPLETED once the store is back.
 */
describe('S3 storage gone in the middle of a run', () => {
  let s3: OwnS3;
  let gb: TestGenbox;
  let sim: KieSim;
  let admin: UserClient;
  let worker: WorkerProcess;

  beforeAll(async () => {
    s3 = await OwnS3.create(await freePort());
    [gb, sim] = await Promise.all([
      startTestGenbox({ ROLE: 'api', ...s3.env(), GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }),
      startKieSim({ rateLimit: { max: 1000, windowMs: 1000 } }),
    ]);
    admin = await loginAdmin(gb);
    worker = await WorkerProcess.start(gb);
  }, 60_000);
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await gb?.stop().catch(() => undefined);
    await sim?.close();
    await s3?.destroy();
  });

  it('readiness says 503 meanwhile, and every asset then finishes exactly once with its file in the bucket', async () => {
    const { model, boxId } = await startMidRun(gb, admin, sim, { slug: 'kie-s3-outage', boxName: 'Storage outage', total: TOTAL, outage: 'the store dies' });

    await s3.kill();
    const stopped = Date.now();
    const ready = await fetch(`${gb.url}/api/health/ready`, { signal: AbortSignal.timeout(5000) });
    expect(ready.status).toBe(503);
    // the board still lists what is there: only the files are out of reach
    expect((await admin.get(`/api/boxes/${boxId}/assets`).ok()).items).toHaveLength(TOTAL);
    // an upload cannot be kept: it says so with a hint to come back, and leaves no asset behind
    const upload = await admin.upload(boxId, await pngBytes(64, 48), 'during-outage.png');
    const refused = upload.body as unknown as { error: string; message: string };
    expect(upload.status).toBe(503);
    expect(refused.error).toBe('service_unavailable');
    expect(refused.message).toMatch(/storage/i);
    expect((await admin.get(`/api/boxes/${boxId}/assets`).ok()).items).toHaveLength(TOTAL);
    await sleep(OUTAGE_MS - (Date.now() - stopped));
    const failedMeanwhile = await gb.sql<{ id: string; error_message: string }>(`SELECT id, error_message FROM assets WHERE box_id = $1 AND status = 'FAILED'`, [boxId]);
    expect(failedMeanwhile, 'assets failed because the store was down').toEqual([]);

    await s3.start();
    const restarted = Date.now();
    const recoveredMs = await expectRecovered({ gb, admin, sim, worker, boxId, model, total: TOTAL, missingFiles: (rows) => missingObjects(s3, rows) });
    console.log(`[faults] S3 down ${((restarted - stopped) / 1000).toFixed(1)} s; all ${TOTAL} assets COMPLETED ${(recoveredMs / 1000).toFixed(1)} s after it came back (noisy: shared machine)`);
  }, 120_000);

  it("a provider that answers with the image itself (OpenAI) is asked once: its megabytes wait for the store", async () => {
    const openai = await startOpenAISimulator({ apiKey: 'sk-outage-key-123456' });
    const dir = await mkdtemp(join(tmpdir(), 'genbox-outage-'));
    try {
      const model = await registerModel(admin, { kind: 'openai', baseUrl: openai.apiUrl, apiKey: 'sk-outage-key-123456', slug: 'gpt-outage', apiEndpoint: 'gpt-image-1' });
      // noise does not compress: a PNG of a few megabytes, as gpt-image answers, too big to ride in a job
      const png = await sharp(randomBytes(1024 * 1024 * 3), { raw: { width: 1024, height: 1024, channels: 3 } }).png().toBuffer();
      expect(png.length).toBeGreaterThan(INLINE_RESULT_BYTES);
      const path = join(dir, 'big.png');
      await writeFile(path, png);
      openai.queueScript({ steps: [], outcome: 'succeeded', outputFile: { path, mimeType: 'image/png', ext: 'png' } });
      const box = await admin.createBox('Sync result, store down');

      await s3.kill();
      const started = await admin.post(`/api/boxes/${box.id}/generate`, { prompt: 'a storm over the sea', ai_model_id: model }).ok(202);
      await sleep(OUTAGE_MS);
      expect(openai.log.filter((r) => r.path === '/v1/images/generations'), 'asked before the store came back').toHaveLength(1);
      await s3.start();
      const done = await admin.settled(started.id, 30_000);
      expect(done).toMatchObject({ status: 'COMPLETED', width: 1024, height: 1024, size_bytes: png.length });
      expect(Buffer.from(await (await fetch(done.file_url!)).arrayBuffer()).equals(png)).toBe(true);
      expect(openai.log.filter((r) => r.path === '/v1/images/generations'), 'requests the provider received (each one is billed)').toHaveLength(1);
    } finally {
      await s3.start().catch(() => undefined);
      await openai.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

/** COMPLETED rows whose object is missing from the bucket or is not the size the row says. */
async function missingObjects(s3: OwnS3, rows: { id: string; status: string; storage_key: string | null; size_bytes: string | null }[]): Promise<string[]> {
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const bad: string[] = [];
  try {
    for (const r of rows.filter((x) => x.status === 'COMPLETED')) {
      const head = r.storage_key ? await client.send(new HeadObjectCommand({ Bucket: 'genbox', Key: r.storage_key })).catch(() => null) : null;
      if (!head || head.ContentLength !== Number(r.size_bytes)) bad.push(`${r.id} (${r.storage_key}: ${head ? `${head.ContentLength} bytes, row says ${r.size_bytes}` : 'no object'})`);
    }
  } finally {
    client.destroy();
  }
  return bad;
}

/**
 * A TCP relay in front of the store that can go silent: while silent, it takes bytes and answers
 * nothing; once speaking again, new connections reach the store but the ones it silenced stay dead,
 * as connections a load balancer or NAT has forgotten do.
 */
class SilentRelay {
  private silent = false;
  /** Open relayed connections, each with what silences it. */
  private readonly live = new Map<Socket, () => void>();
  private readonly dead = new Set<Socket>();
  private readonly server: Server;

  private constructor(targetPort: number) {
    this.server = createServer((client) => {
      if (this.silent) return this.deaden(client);
      const upstream = connect(targetPort, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      const drop = () => {
        this.live.delete(client);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      this.live.set(client, () => {
        client.off('close', drop).off('error', drop);
        client.unpipe(upstream);
        upstream.destroy();
        this.deaden(client);
      });
    });
  }

  static async start(targetPort: number): Promise<SilentRelay> {
    const relay = new SilentRelay(targetPort);
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get endpoint() { return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`; }

  goSilent(): void {
    this.silent = true;
    for (const silence of [...this.live.values()]) silence();
    this.live.clear();
  }

  speak(): void {
    this.silent = false;
  }

  async close(): Promise<void> {
    for (const c of [...this.dead, ...this.live.keys()]) c.destroy();
    await new Promise((r) => this.server.close(r));
  }

  /** Reads and drops whatever the socket sends, and never answers. */
  private deaden(socket: Socket): void {
    this.dead.add(socket);
    socket.on('data', () => undefined).on('error', () => undefined);
  }
}

describe('S3 storage whose connections go silent', () => {
  let s3: OwnS3;
  let relay: SilentRelay;
  let gb: TestGenbox;
  let alice: UserClient;

  beforeAll(async () => {
    s3 = await OwnS3.create(await freePort());
    relay = await SilentRelay.start(s3.port);
    gb = await startTestGenbox({ ...s3.env(), S3_ENDPOINT: relay.endpoint });
    alice = await gb.newUser('alice');
  }, 60_000);
  afterAll(async () => {
    await gb?.stop().catch(() => undefined);
    await relay?.close();
    await s3?.destroy();
  });

  it('requests on forgotten connections give up and go again on new ones: the results are stored', async () => {
    const box = await alice.createBox('Silent store');
    const model = await alice.model('local-image');
    relay.goSilent();
    const started = await alice.post(`/api/boxes/${box.id}/generate`, { prompt: 'a lighthouse in fog', ai_model_id: model.id, count: 4 }).ok(202);
    const ids: string[] = started.items.map((a: { id: string }) => a.id);
    const t0 = Date.now();
    const ready = await fetch(`${gb.url}/api/health/ready`, { signal: AbortSignal.timeout(5000) });
    expect(ready.status, 'readiness while the store says nothing').toBe(503);
    expect(Date.now() - t0).toBeLessThan(5000);
    await sleep(3000);
    relay.speak();
    const spoke = Date.now();
    // the requests already sent wait out the driver's silence limit (30 s), then go again
    const done = await Promise.all(ids.map((id) => alice.settled(id, 90_000)));
    expect(done.map((a) => a.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
    for (const a of done) expect((await fetch(a.file_url!)).status).toBe(200);
    console.log(`[faults] S3 silent 3 s; 4 results stored ${((Date.now() - spoke) / 1000).toFixed(1)} s after it spoke again`);
  }, 150_000);
});
