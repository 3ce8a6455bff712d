import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A Redis of a test's own (never the shared one on 6379), without persistence, so a restart
 * loses every job, as CI's and many small installs' Redis does.
 */
export class OwnRedis {
  private proc: ChildProcess | null = null;
  constructor(readonly port: number) {}
  get url() { return `redis://127.0.0.1:${this.port}`; }

  async start(): Promise<void> {
    const p = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = p;
    let out = '';
    p.stdout!.on('data', (d) => (out += String(d)));
    const until = Date.now() + 10_000;
    while (!out.includes('Ready to accept connections')) {
      if (p.exitCode !== null || Date.now() > until) throw new Error(`redis-server did not start: ${out}`);
      await sleep(20);
    }
  }

  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  }
}

/**
 * An S3-compatible store of a test's own (s3rver in a child process, bucket `genbox`): kill() cuts
 * every connection at once; start() brings it back on the same port with the objects it held.
 */
export class OwnS3 {
  private proc: ChildProcess | null = null;
  private constructor(readonly port: number, private readonly dir: string) {}
  get endpoint() { return `http://127.0.0.1:${this.port}`; }

  static async create(port: number): Promise<OwnS3> {
    const s3 = new OwnS3(port, await mkdtemp(join(tmpdir(), 'genbox-own-s3-')));
    await s3.start();
    return s3;
  }

  /** The environment that points a Genbox at this store. */
  env(): Record<string, string> {
    return { STORAGE: 's3', S3_ENDPOINT: this.endpoint, S3_BUCKET: 'genbox', S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_FORCE_PATH_STYLE: 'true' };
  }

  async start(): Promise<void> {
    const script = fileURLToPath(new URL('./s3rver.child.mjs', import.meta.url));
    const p = spawn(process.execPath, [script, String(this.port), this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = p;
    let out = '';
    p.stdout!.on('data', (d) => (out += String(d)));
    p.stderr!.on('data', (d) => (out += String(d)));
    const until = Date.now() + 10_000;
    while (!out.includes('ready')) {
      if (p.exitCode !== null || Date.now() > until) throw new Error(`s3rver did not start: ${out}`);
      await sleep(20);
    }
  }

  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  }

  async destroy(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * A PostgreSQL cluster of a test's own, in a temp dir, on its own port: stopping it touches no one
 * else's database. PostgreSQL refuses to run as root, so as root (CI) it runs as the `postgres` user.
 */
export class OwnPostgres {
  private constructor(readonly port: number, private readonly dir: string, private readonly bin: string) {}
  get url() { return `postgres://postgres@127.0.0.1:${this.port}`; }

  static async create(port: number): Promise<OwnPostgres> {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    if (!versions.length) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
    const dir = await mkdtemp(join(tmpdir(), 'genbox-own-pg-'));
    const pg = new OwnPostgres(port, dir, `/usr/lib/postgresql/${versions[0]}/bin`);
    if (userInfo().uid === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      await chown(dir, Number(stdout.trim()), -1);
    }
    await pg.as(`${pg.bin}/initdb`, ['-D', `${dir}/data`, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await pg.start();
    return pg;
  }

  async start(): Promise<void> {
    await this.as(`${this.bin}/pg_ctl`, ['-D', `${this.dir}/data`, '-l', `${this.dir}/log`, '-w', '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  }

  /** A fast shutdown: open connections are cut, as when a database restarts under load. */
  async stop(): Promise<void> {
    await this.as(`${this.bin}/pg_ctl`, ['-D', `${this.dir}/data`, '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async as(cmd: string, args: string[]): Promise<void> {
    if (userInfo().uid === 0) await run('runuser', ['-u', 'postgres', '--', cmd, ...args]);
    else await run(cmd, args);
  }
}
