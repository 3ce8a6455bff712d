import { loadavg } from 'node:os';
import pg from 'pg';
import { seedAssets } from '../support/seed-assets.js';
import { RAW_PAGE } from './list-raw-page.js';
import { Api, cpuOfCommands, sandbox, startGenboxProc, startScriptProc } from './procs.js';
import { percentile } from './stats.js';

export interface ListApiOptions { assets: number; concurrency: number; requests: number; rounds: number }

type Side = 'api' | 'floor' | 'raw';

export interface ListApiResult {
  assets: number;
  pages: number;
  apiMs: { p50: number; p99: number };
  rawMs: { p50: number; p99: number };
  /** The same page through the least server that can send it (list-floor.node.ts). */
  floorMs: { p50: number; p99: number };
  /** The server process's CPU ms per request, over the measured requests: Genbox's API and the floor's. */
  serverCpuMs: { api: number; floor: number };
  /** PostgreSQL's CPU (every backend, machine-wide) and this driver's own, ms per request, each way: what else the 2 cores spend. */
  pgCpuMs: Record<Side, number>;
  driverCpuMs: Record<Side, number>;
  bytesPerPage: number;
  /** The machine's 1-minute load average when the measured rounds began and ended (the machine is shared). */
  load: { start: number; end: number };
}


/**
 * `GET /api/boxes/:id/assets` pages of 50 of a 10,000-asset box, `concurrency` requests at once,
 * against RAW_PAGE at the same concurrency, and against the floor: RAW_PAGE behind a bare
 * node:http server. Rounds alternate the three so a noisy neighbour on the machine lands on all alike.
 */
export async function runListApi(o: ListApiOptions, log: (s: string) => void): Promise<ListApiResult> {
  const box = await sandbox('list');
  const raw = new pg.Pool({ connectionString: box.databaseUrl, max: 10 });
  const api = await startGenboxProc(box, 'api', { ROLE: 'api' });
  const floor = await startScriptProc('floor', new URL('./list-floor.node.ts', import.meta.url), { PATH: process.env.PATH, DATABASE_URL: box.databaseUrl });
  try {
    const admin = await Api.login(api.url);
    const b = await admin.call('POST', '/api/boxes', { name: 'Ten thousand' });
    const provider = await admin.call('POST', '/api/providers', { name: 'Bench OpenAI', kind: 'openai', base_url: 'http://127.0.0.1:9', api_key: 'sk-bench', allow_private_network: true });
    const model = await admin.call('POST', '/api/models', { provider_id: provider.id, name: 'Bench image', slug: 'bench-image', model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'gpt-image-1', parameters_schema: {} });
    const me = await admin.call('GET', '/api/auth/me');
    log(`list api: seeding ${o.assets} assets`);
    await seedAssets((q, p) => raw.query(q, p), {
      boxId: b.id, userIds: [me.user.id], modelIds: [model.id], count: o.assets,
      files: [
        { storage_key: 'bench/a.png', thumbnail_key: 'bench/a.thumb.webp', width: 1024, height: 1024, mime_type: 'image/png', type: 'IMAGE' },
        { storage_key: 'bench/b.mp4', thumbnail_key: 'bench/b.thumb.webp', width: 1280, height: 720, mime_type: 'video/mp4', type: 'VIDEO' },
      ],
    });

    // every page's cursor, walking the box once as a client would
    const cursors: (string | null)[] = [null];
    let bytesPerPage = 0;
    for (let c: string | null = null; ;) {
      const page: { items: unknown[]; next_cursor: string | null } = await admin.call('GET', `/api/boxes/${b.id}/assets?limit=50${c ? `&cursor=${c}` : ''}`);
      if (c === null) bytesPerPage = JSON.stringify(page).length;
      if (!page.next_cursor) break;
      cursors.push((c = page.next_cursor));
    }
    const keysets = cursors.map((c) => {
      if (!c) return ['infinity', 'ffffffff-ffff-ffff-ffff-ffffffffffff'] as const;
      const [at, id] = Buffer.from(c, 'base64url').toString().split('|').slice(-2);
      return [at!, id!] as const;
    });

    const floorClient = new Api(floor.url);
    const send: Record<Side, (i: number) => Promise<unknown>> = {
      api: (i) => admin.call('GET', `/api/boxes/${b.id}/assets?limit=50${cursors[i] ? `&cursor=${cursors[i]}` : ''}`),
      floor: (i) => floorClient.call('GET', `/page?box=${b.id}&at=${encodeURIComponent(keysets[i]![0])}&id=${keysets[i]![1]}`),
      raw: (i) => raw.query({ name: 'raw-page', text: RAW_PAGE, values: [b.id, keysets[i]![0], keysets[i]![1], 51] }),
    };
    const drive = async (side: Side, n: number, into: number[]) => {
      let next = 0;
      await Promise.all(Array.from({ length: o.concurrency }, async () => {
        while (next < n) {
          const i = next++ % cursors.length;
          const t = performance.now();
          await send[side](i);
          into.push(performance.now() - t);
        }
      }));
    };

    log('list api: warm-up');
    for (const side of ['api', 'floor', 'raw'] as const) await drive(side, 400, []);
    const ms: Record<Side, number[]> = { api: [], floor: [], raw: [] };
    const serverCpu = { api: 0, floor: 0 };
    const pgCpu: Record<Side, number> = { api: 0, floor: 0, raw: 0 };
    const driverCpu: Record<Side, number> = { api: 0, floor: 0, raw: 0 };
    const server = { api, floor };
    const loadAtStart = loadavg()[0]!;
    for (let r = 0; r < o.rounds; r++) {
      log(`list api: round ${r + 1}/${o.rounds}, ${o.requests} requests each way, ${o.concurrency} at once`);
      for (const side of ['api', 'floor', 'raw'] as const) {
        const pg0 = await cpuOfCommands(['postgres']);
        const s0 = side === 'raw' ? 0 : await server[side].cpuMs();
        const d0 = process.cpuUsage();
        await drive(side, o.requests, ms[side]);
        const d = process.cpuUsage(d0);
        driverCpu[side] += (d.user + d.system) / 1000;
        if (side !== 'raw') serverCpu[side] += (await server[side].cpuMs()) - s0;
        pgCpu[side] += (await cpuOfCommands(['postgres'])) - pg0;
      }
    }
    const n = o.requests * o.rounds;
    const perRequest = <K extends string>(x: Record<K, number>) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, (v as number) / n])) as Record<K, number>;
    const p = (xs: number[]) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) });
    return {
      assets: o.assets,
      pages: cursors.length,
      apiMs: p(ms.api),
      rawMs: p(ms.raw),
      floorMs: p(ms.floor),
      serverCpuMs: perRequest(serverCpu),
      pgCpuMs: perRequest(pgCpu),
      driverCpuMs: perRequest(driverCpu),
      bytesPerPage,
      load: { start: loadAtStart, end: loadavg()[0]! },
    };
  } finally {
    await raw.end().catch(() => undefined);
    await floor.stop();
    await api.stop(process.env.BENCH_CPU_PROF ? 'SIGUSR2' : 'SIGTERM');
    await box.drop();
  }
}
