import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssetDto, AuthResponse, BoxDto, ModelDto } from '@genbox/contracts';
import pg from 'pg';
import { type Socket, io } from 'socket.io-client';
import { deleteRedisKeys, freePort } from '../../../test/support/machine.js';
import { type Genbox, startGenbox } from '../src/bootstrap.js';
import { checkAnswer } from './contract-check.js';

const PG_ROOT = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A Genbox of its own for one test file: fresh database, data dir and Redis prefix. */
export interface TestGenbox extends Genbox {
  env: Record<string, string>;
  dataDir: string;
  client: ApiClient;
  /** Registers a fresh user and returns an API client that acts as them. */
  newUser(name?: string): Promise<UserClient>;
  sql<T = any>(query: string, params?: unknown[]): Promise<T[]>;
  storedFiles(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startTestGenbox(overrides: Record<string, string> = {}): Promise<TestGenbox> {
  const id = randomBytes(5).toString('hex');
  const dataDir = await mkdtemp(join(tmpdir(), `genbox-test-${id}-`));
  // PUBLIC_URL must name the real port for signed URLs, so pick a free one first
  const port = overrides.PORT ?? String(await freePort());
  const env: Record<string, string> = {
    PORT: port,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: `${PG_ROOT}/genbox_test_${id}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `gbtest:${id}`,
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    APP_SECRET: `test-secret-${id}-0123456789`,
    LOCAL_PROVIDER_DELAY_MS: '30',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'error',
    ...overrides,
  };
  return wrap(await startGenbox(env), env, dataDir);
}

function wrap(genbox: Genbox, env: Record<string, string>, dataDir: string): TestGenbox {
  const client = new ApiClient(genbox.url);
  let n = 0;
  return {
    ...genbox,
    env,
    dataDir,
    client,
    async newUser(name = `user${++n}`) {
      const email = `${name}-${randomBytes(3).toString('hex')}@example.com`;
      const auth = await client.post<AuthResponse>('/api/auth/register', { email, password: 'correct horse battery', display_name: name }).ok(201);
      return new UserClient(genbox.url, auth.token, auth.user.id, email, name);
    },
    sql: (q, p) => genbox.runtime.database.query(q, p),
    async storedFiles() {
      const out: string[] = [];
      const walk = async (dir: string, prefix: string) => {
        for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
          if (e.name.startsWith('.')) continue;
          if (e.isDirectory()) await walk(join(dir, e.name), `${prefix}${e.name}/`);
          else out.push(prefix + e.name);
        }
      };
      await walk(dataDir, '');
      return out;
    },
    async stop() {
      await genbox.close();
      await rm(dataDir, { recursive: true, force: true });
      const admin = new pg.Client({ connectionString: `${PG_ROOT}/postgres` });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${new URL(env.DATABASE_URL!).pathname.slice(1)}" WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      // and its Redis keys (event logs live for days): a test run leaves the machine as it found it
      await deleteRedisKeys(env.REDIS_URL!, env.REDIS_PREFIX!);
    },
  };
}

export class HttpResult<T> implements PromiseLike<{ status: number; body: T; headers: Headers }> {
  constructor(private readonly res: Promise<{ status: number; body: T; headers: Headers }>) {}
  then<A, B>(ok?: ((v: { status: number; body: T; headers: Headers }) => A | PromiseLike<A>) | null, err?: ((e: unknown) => B | PromiseLike<B>) | null) {
    return this.res.then(ok, err);
  }
  /** The body, after checking the status is the expected one (the error says what came instead). */
  async ok(expected = 200): Promise<T> {
    const r = await this.res;
    if (r.status !== expected) throw new Error(`expected HTTP ${expected}, got ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }
}

export class ApiClient {
  constructor(readonly baseUrl: string, readonly token: string | null = null) {}

  request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): HttpResult<T> {
    const h: Record<string, string> = { ...headers };
    if (this.token && !h.authorization) h.authorization = `Bearer ${this.token}`;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      h['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    return new HttpResult(
      fetch(this.baseUrl + path, { method, headers: h, body: payload }).then(async (r) => {
        const text = await r.text();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch { /* not JSON */ }
        // every answer a test sees is checked against the documented contract
        checkAnswer(method, path, r.status, parsed, r.headers.get('content-type'));
        return { status: r.status, body: parsed as T, headers: r.headers };
      }),
    );
  }
  get<T = any>(path: string) { return this.request<T>('GET', path); }
  post<T = any>(path: string, body?: unknown) { return this.request<T>('POST', path, body); }
  patch<T = any>(path: string, body?: unknown) { return this.request<T>('PATCH', path, body); }
  delete<T = any>(path: string) { return this.request<T>('DELETE', path); }
}

export class UserClient extends ApiClient {
  constructor(baseUrl: string, token: string, readonly id: string, readonly email: string, readonly name: string) {
    super(baseUrl, token);
  }

  createBox(name = 'Box'): Promise<BoxDto> {
    return this.post<BoxDto>('/api/boxes', { name }).ok(201);
  }

  async model(slug: string): Promise<ModelDto> {
    const { items } = await this.get<{ items: ModelDto[] }>('/api/models').ok();
    const m = items.find((x) => x.slug === slug);
    if (!m) throw new Error(`no model ${slug}`);
    return m;
  }

  upload(boxId: string, bytes: Buffer, filename = 'file.png', fields: Record<string, string> = {}) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([new Uint8Array(bytes)]), filename);
    return this.request<AssetDto>('POST', `/api/boxes/${boxId}/upload`, form);
  }

  /**
   * Polls the asset until it leaves PENDING/PROCESSING (or the wait runs out), as a patient client
   * does: quickly at first, then at most once a second, and after a 429 only when told to. Fifty
   * of these at a fixed 50 ms used up a token's allowance (CI saw 429s on Node 24).
   */
  async settled(assetId: string, timeoutMs = 20_000): Promise<AssetDto> {
    const until = Date.now() + timeoutMs;
    for (let pause = 50; ; pause = Math.min(pause * 1.5, 1000)) {
      const r = await this.get<AssetDto>(`/api/assets/${assetId}`);
      if (r.status === 429 && Date.now() < until) {
        await new Promise((done) => setTimeout(done, Number(r.headers.get('retry-after') ?? 1) * 1000));
        continue;
      }
      if (r.status !== 200) throw new Error(`expected HTTP 200, got ${r.status}: ${JSON.stringify(r.body)}`);
      const a = r.body;
      if (!['PENDING', 'PROCESSING'].includes(a.status) || Date.now() > until) return a;
      await new Promise((done) => setTimeout(done, pause));
    }
  }

  socket(): Socket {
    return io(this.baseUrl, { auth: { token: this.token }, transports: ['websocket'], reconnection: false, forceNew: true });
  }
}

/** Resolves once the socket is connected, or rejects with the handshake's error. */
export function connected(s: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (s.connected) return resolve(s);
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

/** Waits until `predicate` holds for the collected list, then returns it. */
export async function until<T>(get: () => T, predicate: (v: T) => boolean, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (predicate(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export { freePort };

/**
 * An asset row written straight into the database, for states the API only reaches through a
 * provider (a PENDING generation that no worker will pick up, a FAILED one). No job is queued.
 */
export async function insertAsset(gb: TestGenbox, boxId: string, createdBy: string, fields: Record<string, unknown> = {}): Promise<string> {
  const row: Record<string, unknown> = { box_id: boxId, created_by: createdBy, type: 'IMAGE', status: 'PENDING', source_type: 'GENERATED', prompt: 'a fixture', ...fields };
  const cols = Object.keys(row);
  const [r] = await gb.sql<{ id: string }>(`INSERT INTO assets (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`, Object.values(row));
  return r!.id;
}

/** A real PNG of one colour (sharp), `w`×`h` pixels. */
export async function pngBytes(w = 64, h = 48, color = { r: 200, g: 80, b: 40 }): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  return sharp({ create: { width: w, height: h, channels: 3, background: color } }).png().toBuffer();
}

/** One server → client message as a socket received it. */
export interface Received { event: string; payload: any }

/** Records every message a socket receives, in arrival order. */
/** Box events carry the box seq; presence and a user's own credits.changed do not, and are not in the box's order. */
export const carriesSeq = (m: { payload: unknown }): boolean => typeof (m.payload as { seq?: unknown } | null)?.seq === 'number';

export function recordEvents(s: Socket): Received[] {
  const got: Received[] = [];
  s.onAny((event: string, payload: unknown) => got.push({ event, payload }));
  return got;
}

/** Sends `box:join` and resolves with the ack. */
export function joinBox(s: Socket, boxId: string): Promise<any> {
  return s.timeout(5000).emitWithAck('box:join', { box_id: boxId });
}
