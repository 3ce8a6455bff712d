import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, pngBytes, startTestGenbox } from '../../apps/server/test/harness.js';

/**
 * The README's curl session (docs/curl-session.sh), run with real curl and jq: the product's
 * quick-start habits (paths with a trailing slash, `Authorization: Token`, the `file` and
 * `prompt_text` upload fields) work unchanged.
 */
const SCRIPT = fileURLToPath(new URL('../../docs/curl-session.sh', import.meta.url));
let gb: TestGenbox;
let dir: string;

beforeAll(async () => {
  gb = await startTestGenbox({ SEED_DEMO: 'true' });
  dir = await mkdtemp(join(tmpdir(), 'genbox-curl-'));
  await writeFile(join(dir, 'still.png'), await pngBytes(160, 90));
}, 60_000);
afterAll(async () => {
  await gb?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the README's curl session", () => {
  it('logs in, makes a token, uploads, generates, watches the events and downloads the video', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile('bash', [SCRIPT], { cwd: dir, env: { PATH: process.env.PATH, GENBOX_URL: gb.url, IMAGE: 'still.png' }, timeout: 60_000 }, (err, out, errOut) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: out, stderr: errOut }),
      ),
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const asset = /started (\S+)/.exec(stdout)![1]!;
    expect(stdout).toMatch(/seq \d+: PROCESSING/);
    expect(stdout).toMatch(/seq \d+: COMPLETED/);
    expect(stdout).toMatch(/\nCOMPLETED video\/mp4 \d+x\d+ 2s\n/);
    expect((await readFile(join(dir, `${asset}.mp4`))).subarray(4, 8).toString()).toBe('ftyp');
    // the upload kept its caption, and the generation names it as its parent
    const [row] = await gb.sql('SELECT a.parent_asset_id, p.prompt AS parent_prompt FROM assets a JOIN assets p ON p.id = a.parent_asset_id WHERE a.id = $1', [asset]);
    expect(row.parent_prompt).toBe('first frame');
  });
});
