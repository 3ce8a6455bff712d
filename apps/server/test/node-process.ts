import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type TestGenbox, freePort } from './harness.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Another Genbox node as its own process (the built dist/main.js), sharing the test's database and Redis. */
export class NodeProcess {
  readonly output: string[] = [];
  private constructor(readonly child: ChildProcess, readonly url: string) {
    child.stdout!.on('data', (d) => this.output.push(String(d)));
    child.stderr!.on('data', (d) => this.output.push(String(d)));
  }

  /** `extra`: environment beyond the test Genbox's own (its limits, say). */
  static async start(gb: TestGenbox, role: 'api' | 'worker', extra: Record<string, string> = {}): Promise<NodeProcess> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npx nx run-many -t build\` first`);
    const port = await freePort();
    const env = { ...process.env, ...gb.env, ROLE: role, PORT: String(port), RUN_MIGRATIONS: 'false', LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '1', ...extra };
    const p = new NodeProcess(spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] }), `http://127.0.0.1:${port}`);
    const end = Date.now() + 60_000; // a cold start on a busy machine takes a while
    while (!p.output.join('').includes('is up')) {
      if (p.child.exitCode !== null || Date.now() > end) throw new Error(`${role} did not start:\n${p.output.join('')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return p;
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
