import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS, missingNodeFlags } from '../src/node-flags.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FLAGS_JS = fileURLToPath(new URL('../dist/node-flags.js', import.meta.url));

/** The flags a start command gives node before the script, e.g. `node --a=1 --b apps/server/dist/main.js`. */
const flagsBefore = (words: string[]) => words.slice(words.indexOf('node') + 1, words.indexOf('apps/server/dist/main.js'));

/** What missingNodeFlags() answers inside a plain node started with `flags`. */
function missingIn(flags: readonly string[]): string[] {
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', `const m = await import(${JSON.stringify(FLAGS_JS)}); process.stdout.write(JSON.stringify(m.missingNodeFlags()))`], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as string[];
}

describe('the V8 settings every Genbox process starts with', () => {
  it('the Docker image and npm start pass exactly NODE_FLAGS', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(`${ROOT}/Dockerfile`, 'utf8'))![1]!;
    expect(flagsBefore(JSON.parse(cmd) as string[])).toEqual([...NODE_FLAGS]);
    const start = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(flagsBefore(start.split(' && ').at(-1)!.split(/\s+/))).toEqual([...NODE_FLAGS]);
  });

  it('this Node accepts them, and a process started with them finds none missing', () => {
    expect(missingIn(NODE_FLAGS)).toEqual([]);
    expect(missingIn([])).toEqual([...NODE_FLAGS]);
  });

  it('a flag given with another value, or with underscores, counts as given', () => {
    expect(missingNodeFlags(['--initial_old_space_size=512', '--max-semi-space-size=8'])).toEqual([]);
    expect(missingNodeFlags(['--max-old-space-size=4096'])).toEqual([...NODE_FLAGS]);
  });
});
