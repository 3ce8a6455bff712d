import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = join(import.meta.dirname, '../dist/main.js');

/** Runs the built server the way `npm start` does and collects what a newcomer would read. */
async function start(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'genbox-startup-'));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
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
    expect(out).toContain('docker compose up -d postgres redis');
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
});
