import { loadavg } from 'node:os';
import pg from 'pg';
import { seedAssets } from '../support/seed-assets.js';
import { Api, cpuOfCommands, sandbox, startGenboxProc } from './procs.js';
import { percentile } from './stats.js';

export interface ListApiOptions { assets: number; concurrency: number; requests: number; rounds: number }

export interface ListApiResult {
  assets: number;
  pages: number;
  apiMs: { p50: number; p99: number };
  rawMs: { p50: number; p99: number };
  /** API CPU ms per request, over the measured API requests. */
  apiCpuMsPerRequest: number;
  /** PostgreSQL's CPU (every backend, machine-wide) and this driver's own, ms per request, each way: what else the 2 cores spend. */
  pgCpuMs: { api: number; raw: number };
  driverCpuMs: { api: number; raw: number };
  bytesPerPage: number;
  /** The machine's 1-minute load average when the measured rounds began and ended (the machine is shared). */
  load: { start: number; end: number };
}

/**
 * The reference: the keyset page of a box with the card's joins, sent straight to PostgreSQL on a
 * pool the size of the server's, prepared once per connection as the server's statements are.
 */
const RAW_PAGE = `
  SELECT a.*, m.name AS model_name, m.slug AS model_slug, u.display_name AS author_name,
         p.type AS parent_type, p.status AS parent_status, p.storage_key AS parent_storage_key, p.thumbnail_key AS parent_thumbnail_key
  FROM assets a
  LEFT JOIN ai_models m ON m.id = a.model_id
  LEFT JOIN users u ON u.id = a.created_by
  LEFT JOIN assets p ON p.id = a.parent_asset_id
  WHERE a.box_id = $1 AND (a.created_at, a.id) < ($2::timestamptz, $3::uuid)
  ORDER BY a.created_at DESC, a.id DESC LIMIT $4`;

/**
 * `GET /api/boxes/:id/assets` pages of 50 of a 10,000-asset box, `concurrency` requests at once,
 * against RAW_PAGE at the same concurrency. Rounds alternate API and raw so a noisy neighbour on
 * the machine lands on both sides alike.
 */
export async function runListApi(o: ListApiOptions, log: (s: string) => void): Promise<ListApiResult> {
  const box = await sandbox('list');
  const raw = new pg.Pool({ connectionString: box.databaseUrl, max: 10 });
  const api = await startGenboxProc(box, 'api', { ROLE: 'api' });
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
    const keysets = await Promise.all(cursors.map(async (c) => {
      if (!c) return ['infinity', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
      const [at, id] = Buffer.from(c, 'base64url').toString().split('|').slice(-2);
      return [at!, id!];
    }));

    const viaApi = (i: number) => admin.call('GET', `/api/boxes/${b.id}/assets?limit=50${cursors[i] ? `&cursor=${cursors[i]}` : ''}`);
    const viaRaw = (i: number) => raw.query({ name: 'raw-page', text: RAW_PAGE, values: [b.id, keysets[i]![0], keysets[i]![1], 51] });
    const drive = async (send: (i: number) => Promise<unknown>, n: number, into: number[]) => {
      let next = 0;
      await Promise.all(Array.from({ length: o.concurrency }, async () => {
        while (next < n) {
          const i = next++ % cursors.length;
          const t = performance.now();
          await send(i);
          into.push(performance.now() - t);
        }
      }));
    };

    log('list api: warm-up');
    await drive(viaApi, 400, []);
    await drive(viaRaw, 400, []);
    const apiMs: number[] = [];
    const rawMs: number[] = [];
    let apiCpu = 0;
    const pgCpu = { api: 0, raw: 0 };
    const driverCpu = { api: 0, raw: 0 };
    const measured = async (side: 'api' | 'raw', run: () => Promise<void>) => {
      const pg0 = await cpuOfCommands(['postgres']);
      const d0 = process.cpuUsage();
      await run();
      const d = process.cpuUsage(d0);
      driverCpu[side] += (d.user + d.system) / 1000;
      pgCpu[side] += (await cpuOfCommands(['postgres'])) - pg0;
    };
    const loadAtStart = loadavg()[0]!;
    for (let r = 0; r < o.rounds; r++) {
      log(`list api: round ${r + 1}/${o.rounds}, ${o.requests} requests each way, ${o.concurrency} at once`);
      const cpu0 = await api.cpuMs();
      await measured('api', () => drive(viaApi, o.requests, apiMs));
      apiCpu += (await api.cpuMs()) - cpu0;
      await measured('raw', () => drive(viaRaw, o.requests, rawMs));
    }
    return {
      assets: o.assets,
      pages: cursors.length,
      apiMs: { p50: percentile(apiMs, 50), p99: percentile(apiMs, 99) },
      rawMs: { p50: percentile(rawMs, 50), p99: percentile(rawMs, 99) },
      apiCpuMsPerRequest: apiCpu / (o.requests * o.rounds),
      pgCpuMs: { api: pgCpu.api / (o.requests * o.rounds), raw: pgCpu.raw / (o.requests * o.rounds) },
      driverCpuMs: { api: driverCpu.api / (o.requests * o.rounds), raw: driverCpu.raw / (o.requests * o.rounds) },
      bytesPerPage,
      load: { start: loadAtStart, end: loadavg()[0]! },
    };
  } finally {
    await raw.end().catch(() => undefined);
    await api.stop(process.env.BENCH_CPU_PROF ? 'SIGUSR2' : 'SIGTERM');
    await box.drop();
  }
}
