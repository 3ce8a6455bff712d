import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { NODE_FLAGS } from '../../apps/server/src/node-flags.js';
import { deleteRedisKeys, freePort } from '../support/machine.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** BENCH_SERVER_MAIN: another build to measure (an earlier one copied aside, for before/after figures). */
export const SERVER_MAIN = process.env.BENCH_SERVER_MAIN ?? join(ROOT, 'apps/server/dist/main.js');
export const PG_ROOT = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const HZ = 100;

export const ADMIN = { email: 'bench-admin@example.com', password: 'bench-admin-password' };

/** One bench scenario's own database, Redis prefix and data dir; `drop()` removes all three. */
export interface Sandbox { id: string; databaseUrl: string; redisPrefix: string; dataDir: string; drop(): Promise<void> }

export async function sandbox(label: string): Promise<Sandbox> {
  const id = `${label}_${randomBytes(4).toString('hex')}`;
  const dataDir = await mkdtemp(join(tmpdir(), `genbox-bench-${id}-`));
  const redisPrefix = `gbbench:${id}`;
  return {
    id, dataDir, redisPrefix,
    databaseUrl: `${PG_ROOT}/genbox_bench_${id}`,
    async drop() {
      await rm(dataDir, { recursive: true, force: true });
      const admin = new pg.Client({ connectionString: `${PG_ROOT}/postgres` });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "genbox_bench_${id}" WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      await deleteRedisKeys(REDIS_URL, redisPrefix);
    },
  };
}

export { freePort };

/** A child process we started, its CPU readable from /proc. */
export class Proc {
  private exited: Promise<void>;
  readonly output: string[] = [];

  constructor(readonly name: string, readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const keep = (b: Buffer) => {
      this.output.push(b.toString());
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** User + system CPU of the process so far, in ms. */
  async cpuMs(): Promise<number> {
    return procCpuMs(this.child.pid!);
  }

  /** The system (kernel) part of cpuMs(): syscalls, which are dear on a VM. */
  async sysMs(): Promise<number> {
    return (await procCpu(this.child.pid!)).sys;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    const t = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(t);
  }
}

export async function procCpuMs(pid: number): Promise<number> {
  const { user, sys } = await procCpu(pid);
  return user + sys;
}

/** User and system CPU of a process so far, in ms. */
export async function procCpu(pid: number): Promise<{ user: number; sys: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // fields after the ")" of the command name: state is field 3, utime 14, stime 15
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: (Number(f[11]) * 1000) / HZ, sys: (Number(f[12]) * 1000) / HZ };
}

/** CPU (ms) of every process whose command is one of `names` (postgres backends, redis-server). */
export async function cpuOfCommands(names: string[]): Promise<number> {
  const { readdir } = await import('node:fs/promises');
  let total = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    if (names.some((n) => comm.startsWith(n))) total += await procCpuMs(Number(pid)).catch(() => 0);
  }
  return total;
}

export interface GenboxProc extends Proc { url: string; port: number }

/**
 * Starts `node apps/server/dist/main.js` as a child with the sandbox's database and prefix, and the
 * V8 settings the Docker image and `npm start` give it (NODE_FLAGS), so the figures are what users get.
 * BENCH_CPU_PROF=dir adds --cpu-prof (the profile is written when the process exits).
 */
export async function startGenboxProc(box: Sandbox, name: string, env: Record<string, string>): Promise<GenboxProc> {
  const port = Number(env.PORT ?? (await freePort()));
  const profDir = process.env.BENCH_CPU_PROF;
  const args = [...NODE_FLAGS, ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`, '--import', new URL('./exit-on-signal.mjs', import.meta.url).href] : []), SERVER_MAIN];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: box.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: box.redisPrefix,
      DATA_DIR: box.dataDir,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      HOST: '127.0.0.1',
      APP_SECRET: `bench-secret-${box.id}-0123456789`,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'error',
      GENBOX_ADMIN_EMAIL: ADMIN.email,
      GENBOX_ADMIN_PASSWORD: ADMIN.password,
      ...env,
    },
  });
  const proc = Object.assign(new Proc(name, child), { url: `http://127.0.0.1:${port}`, port }) as GenboxProc;
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited at start:\n${proc.output.join('')}`);
    const ok = await fetch(`${proc.url}/api/health`).then((r) => r.ok, () => false);
    if (ok) return proc;
    if (Date.now() > until) {
      await proc.stop('SIGKILL');
      throw new Error(`${name} did not answer /api/health within 60 s:\n${proc.output.join('')}`);
    }
    await sleep(100);
  }
}

/**
 * Starts a bench-only TypeScript server (`script`, run by tsx) on a free port, given as PORT with
 * `env`, and waits for its IPC message that it listens.
 */
export async function startScriptProc(name: string, script: URL, env: Record<string, string | undefined>): Promise<Proc & { url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script)], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...env, PORT: String(port) },
  });
  const proc = Object.assign(new Proc(name, child), { url: `http://127.0.0.1:${port}` });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', () => reject(new Error(`${name} exited: ${proc.output.join('')}`)));
  });
  return proc;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Minimal JSON client for the REST API, on node:http with kept-alive connections: the bench's own
 * CPU competes with Genbox's for the machine's cores, and fetch costs several times as much per call.
 */
export class Api {
  private static readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(readonly baseUrl: string, readonly token: string | null = null) {}

  call<T = any>(method: string, path: string, body?: unknown, expect?: number): Promise<T> {
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers: http.OutgoingHttpHeaders = { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) };
    return new Promise<T>((resolve, reject) => {
      const req = http.request(this.baseUrl + path, { method, headers, agent: Api.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (expect !== undefined ? status !== expect : status >= 400) return reject(new Error(`${method} ${path}: HTTP ${status} ${text.slice(0, 500)}`));
          resolve((text ? JSON.parse(text) : null) as T);
        });
      });
      req.on('error', reject);
      req.end(payload ?? undefined);
    });
  }

  static async login(baseUrl: string, creds = ADMIN): Promise<Api> {
    const r = await new Api(baseUrl).call<{ token: string }>('POST', '/api/auth/login', creds);
    return new Api(baseUrl, r.token);
  }
}

/** Redis commands executed so far, by command (INFO commandstats; scripts' inner calls included). */
export async function redisCommandCounts(): Promise<Map<string, number>> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  try {
    const info = await redis.info('commandstats');
    return new Map([...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
  } finally {
    redis.disconnect();
  }
}

/** Committed transactions of one database so far (every statement outside BEGIN…COMMIT counts as one). */
export async function pgTransactions(db: pg.Client): Promise<number> {
  await db.query('SELECT pg_stat_force_next_flush()').catch(() => undefined);
  const { rows } = await db.query('SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = current_database()');
  return Number(rows[0].n);
}
