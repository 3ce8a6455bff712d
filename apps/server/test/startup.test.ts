import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freePort } from './harness.js';

const PG_ROOT = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

const MAIN = join(import.meta.dirname, '../dist/main.js');

/** Runs the built server the way `npm start` does and collects what a newcomer would read. */
async function start(env: Record<string, string>, until?: RegExp): Promise<{ code: number | null; out: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'genbox-startup-'));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const read = (d: Buffer) => {
      out += d;
      if (until?.test(out)) child.kill('SIGTERM');
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('starting with something missing', () => {
  it('an unreachable PostgreSQL is named, with where it looked and how to start it, and no stack trace', async () => {
    const { code, out } = await start({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/genbox' });
    expect(code).toBe(1);
    expect(out).toContain('Cannot reach PostgreSQL at 127.0.0.1:1 (DATABASE_URL)');
    expect(out).toContain('docker compose -f compose.services.yml up -d');
    expect(out).not.toMatch(/\n\s+at /);
  });

  it('an unreachable Redis is named the same way', async () => {
    const { code, out } = await start({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(code).toBe(1);
    expect(out).toContain('Cannot reach Redis at 127.0.0.1:1 (REDIS_URL)');
    expect(out).not.toMatch(/\n\s+at /);
  });

  it('a bad setting stops the process with one line naming each bad variable', async () => {
    const { code, out } = await start({ PORT: 'eighty', STORAGE: 'floppy' });
    expect(code).toBe(1);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.includes('PORT'))).toMatch(/^Invalid configuration: PORT: /);
    expect(lines.find((l) => l.includes('STORAGE'))).toMatch(/^Invalid configuration: STORAGE: /);
    expect(out).not.toMatch(/\n\s+at /);
  });

  it('a Redis that may evict keys is started with, but named in a warning with what to set', async () => {
    const port = await freePort();
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'allkeys-lru'], { stdio: 'ignore' });
    const db = `genbox_startup_${randomBytes(4).toString('hex')}`;
    try {
      await waitForPort(port);
      const { out } = await start({ REDIS_URL: `redis://127.0.0.1:${port}`, DATABASE_URL: `${PG_ROOT}/${db}`, SEED_DEMO: 'false', HOST: '127.0.0.1' }, /is up on/);
      expect(out).toMatch(/Redis maxmemory-policy is allkeys-lru: set it to noeviction/);
      // started as `node main.js`, without the V8 settings npm start and the image give it: said, not refused
      expect(out).toContain('Started without --initial-old-space-size=128 --max-semi-space-size=16: big uploads and results cost about twice the CPU');
      expect(out).toMatch(/is up on/);
    } finally {
      redis.kill('SIGKILL');
      const admin = new pg.Client({ connectionString: `${PG_ROOT}/postgres` });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
