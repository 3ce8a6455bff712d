#!/usr/bin/env node
// The `genbox` command. REST commands live in apps/cli; `genbox admin …` runs on the server host
// and lives in apps/server. Each runs from its build; in a clone that was never built, from its
// sources through tsx (a dev dependency), resolving the workspace libraries to their sources too.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const [dir, entry] = args[0] === 'admin' ? ['apps/server', 'cli/admin'] : ['apps/cli', 'cli'];
const argv = args[0] === 'admin' ? args.slice(1) : args;
const built = join(root, dir, 'dist', `${entry}.js`);

if (existsSync(built)) {
  process.argv = [process.argv[0], built, ...argv];
  await import(built);
} else {
  const source = join(root, dir, 'src', `${entry}.ts`);
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', source, ...argv], { stdio: 'inherit', cwd: process.cwd() });
  process.exitCode = r.status ?? 1;
}
