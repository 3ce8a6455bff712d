import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, pngBytes, startTestGenbox } from '../../apps/server/test/harness.js';
import { type ReplicateSim, startReplicateSim } from '../simulators/replicate.sim.js';

/** The `genbox` bin of the root package, run as a user runs it, against a real Genbox. */
const BIN = fileURLToPath(new URL('../../bin/genbox.mjs', import.meta.url));
const ADMIN = { email: 'cli-admin@example.com', password: 'cli-admin-password' };

let gb: TestGenbox;
let home: string;
let replicate: ReplicateSim;

interface Run { code: number; stdout: string; stderr: string }
function genbox(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: home, env: { PATH: process.env.PATH, XDG_CONFIG_HOME: home, GENBOX_URL: gb.url, ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
async function json<T = any>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const r = await genbox([...args, '--json'], env);
  if (r.code !== 0) throw new Error(`genbox ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

beforeAll(async () => {
  gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
  home = await mkdtemp(join(tmpdir(), 'genbox-cli-'));
  replicate = await startReplicateSim({ secondMs: 20 });
}, 60_000);
afterAll(async () => {
  await replicate?.close();
  await gb?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('the genbox command against a running server', () => {
  it('login keeps a token (owner-only file) that the next commands use; a wrong password says why', async () => {
    const bad = await genbox(['login', '--email', ADMIN.email, '--password', 'nope-nope-nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/HTTP 401/);

    const ok = await genbox(['login', '--email', ADMIN.email, '--password', ADMIN.password]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`as Admin <${ADMIN.email}> (admin)`);
    const file = join(home, 'genbox', 'credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ url: gb.url, email: ADMIN.email });

    const box = await json(['boxes', 'create', 'CLI', 'box']);
    expect(box.name).toBe('CLI box');
    const listed = await genbox(['boxes', 'list']);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+ROLE/);
    expect(listed.stdout).toContain('CLI box');
  });

  it('an unknown command or flag is a usage error (exit 2); no token is a 401 the user can read', async () => {
    expect((await genbox(['frobnicate'])).code).toBe(2);
    expect((await genbox(['boxes', 'list', '--colour'])).code).toBe(2);
    const anon = await genbox(['boxes', 'list'], { XDG_CONFIG_HOME: join(home, 'nobody') });
    expect(anon.code).toBe(1);
    expect(anon.stderr).toMatch(/HTTP 401 unauthorized/);
  });

  it('catalog import, providers add / set-key / list: the key is stored, never printed, and activates the provider', async () => {
    const report = await json(['catalog', 'import']);
    expect(report.providers.created).toBeGreaterThan(3);
    const add = await json(['providers', 'add', '--name', 'Replicate sim', '--kind', 'replicate', '--base-url', `${replicate.url}/v1`, '--allow-private-network', '--inactive']);
    expect(add).toMatchObject({ name: 'Replicate sim', has_api_key: false, is_active: false });
    const set = await genbox(['providers', 'set-key', 'replicate sim', replicate.apiKey]);
    expect(set.stdout).toContain('Key set for "Replicate sim"; it is active.');
    const list = await genbox(['providers', 'list']);
    expect(list.stdout).toMatch(/Replicate sim\s+replicate\s+true\s+true/);
    expect(list.stdout + set.stdout).not.toContain(replicate.apiKey);
  });

  it('models import / list / show: a Replicate model by name becomes a row with its parameters', async () => {
    const imported = await json(['models', 'import', '--provider', 'Replicate sim', 'google/veo-3.1-fast']);
    expect(imported).toMatchObject({ slug: 'replicate-google-veo-3-1-fast', model_type: 'VIDEO' });
    const list = await json<{ slug: string }[]>(['models', 'list']);
    expect(list.map((m) => m.slug)).toEqual(expect.arrayContaining(['local-image', 'replicate-google-veo-3-1-fast']));
    const show = await genbox(['models', 'show', 'local-image']);
    expect(show.stdout).toMatch(/--param aspect_ratio=… .*one of 1:1, 16:9/);
    const missing = await genbox(['models', 'import', '--provider', 'Replicate sim', 'nobody/nothing-here']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/HTTP 404/);
  });

  it('generate --wait follows the run live over SSE and downloads the image it made', async () => {
    const [box] = await json<{ id: string }[]>(['boxes', 'list']);
    const r = await genbox(['generate', '--box', box!.id, '--model', 'local-image', '--prompt', 'a lighthouse at dawn', '--param', 'aspect_ratio=16:9', '--wait', '--out', 'shot.png']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Started \S+ on local-image \(PENDING\)/);
    expect(r.stdout).toMatch(/ COMPLETED/);
    expect(r.stdout).toMatch(/Downloaded shot\.png \(\d+ bytes\)/);
    const meta = await sharp(join(home, 'shot.png')).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width! / meta.height!).toBeCloseTo(16 / 9, 1);
  });

  it('generate --image uploads the file and animates it into a video; a bad parameter is refused before anything runs', async () => {
    const [box] = await json<{ id: string }[]>(['boxes', 'list']);
    await writeFile(join(home, 'still.png'), await pngBytes(96, 64));
    const [video] = await json(['generate', '--box', box!.id, '--model', 'local-animate', '--prompt', 'drift', '--image', 'still.png', '--param', 'duration=2', '--wait', '--out', home]);
    expect(video).toMatchObject({ status: 'COMPLETED', source_type: 'IMG2VID', mime_type: 'video/mp4' });
    expect((await readFile(video.file)).subarray(4, 8).toString()).toBe('ftyp');
    const bad = await genbox(['generate', '--box', box!.id, '--model', 'local-image', '--prompt', 'x', '--param', 'colour=red']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--param colour: the model has no such parameter');
  });

  it('providers test runs a real generation on the provider and reports it', async () => {
    const [box] = await json<{ id: string }[]>(['boxes', 'list']);
    const r = await genbox(['providers', 'test', 'Local (built-in)', '--box', box!.id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OK: image\/png \d+×\d+ in [\d.]+ s/);
  });

  it('tokens create makes a token scripts use through GENBOX_TOKEN', async () => {
    const t = await json(['tokens', 'create', '--name', 'nightly']);
    expect(t.token).toBeTruthy();
    const boxes = await json<unknown[]>(['boxes', 'list'], { GENBOX_TOKEN: t.token, XDG_CONFIG_HOME: join(home, 'nobody') });
    expect(boxes.length).toBeGreaterThan(0);
  });

  it('tokens list shows sessions and tokens without their secrets; tokens revoke ends one at once', async () => {
    const made = await json(['tokens', 'create', '--name', 'to-revoke', '--scopes', 'read']);
    const elsewhere = { GENBOX_TOKEN: made.token, XDG_CONFIG_HOME: join(home, 'nobody') };
    expect((await genbox(['boxes', 'list'], elsewhere)).code).toBe(0);

    const listed = await genbox(['tokens', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+KIND\s+SCOPES\s+CREATED_AT\s+LAST_USED_AT\s+EXPIRES_AT\s+CURRENT$/m);
    expect(listed.stdout).toMatch(new RegExp(`^${made.id}\\s+to-revoke\\s+api\\s+read\\s+\\S+\\s+\\S+\\s+-$`, 'm'));
    // the saved login is the session these commands run with
    expect(listed.stdout).toMatch(/^\S+\s+Login session\s+session\s+read,write,admin\s.*\syes$/m);
    const items = await json<{ id: string; name: string; scopes: string[]; last_used_at: string | null }[]>(['tokens', 'list']);
    expect(items.find((t) => t.id === made.id)).toMatchObject({ name: 'to-revoke', scopes: ['read'], last_used_at: expect.any(String) });
    expect(JSON.stringify(items)).not.toContain(made.token);

    const revoked = await genbox(['tokens', 'revoke', made.id]);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked ${made.id}.\n` });
    const refused = await genbox(['boxes', 'list'], elsewhere);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/HTTP 401/);
    expect((await json<{ id: string }[]>(['tokens', 'list'])).map((t) => t.id)).not.toContain(made.id);

    const again = await genbox(['tokens', 'revoke', made.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/Token not found \(HTTP 404/);
    expect((await genbox(['tokens', 'revoke', 'not-a-token-id'])).stderr).toMatch(/HTTP 400/);
    expect((await genbox(['tokens', 'revoke'])).code).toBe(2);
  }, 120_000);

  it('credits grant and show (admins), and a member sees their own balance', async () => {
    const user = await gb.newUser('painter');
    const g = await json(['credits', 'grant', '--email', user.email, '--amount', '25', '--note', 'welcome']);
    expect(g).toMatchObject({ email: user.email, balance: 25 });
    const shown = await genbox(['credits', 'show', '--email', user.email]);
    expect(shown.stdout).toContain('Balance 25 credits, 0 held');
    expect(shown.stdout).toMatch(/grant\s+25\s+25\s+-\s+welcome/);
    const own = await json(['credits', 'show'], { GENBOX_TOKEN: user.token!, XDG_CONFIG_HOME: join(home, 'nobody') });
    expect(own.balance).toBe(25);
  });

  it('admin promote and admin create work on the database directly (DATABASE_URL)', async () => {
    const user = await gb.newUser('promoted');
    const db = { DATABASE_URL: gb.env.DATABASE_URL! };
    expect((await gb.client.request('GET', '/api/auth/me', undefined, { authorization: `Bearer ${user.token}` }).ok()).user.is_admin).toBe(false);
    const p = await genbox(['admin', 'promote', user.email], db);
    expect(p.stdout).toContain(`${user.email} is an administrator.`);
    expect((await gb.client.request('GET', '/api/auth/me', undefined, { authorization: `Bearer ${user.token}` }).ok()).user.is_admin).toBe(true);

    const c = await genbox(['admin', 'create', 'ops@example.com', '--password', 'ops-password-1'], db);
    expect(c.code).toBe(0);
    const login = await json(['login', '--email', 'ops@example.com', '--password', 'ops-password-1'], { XDG_CONFIG_HOME: join(home, 'ops') });
    expect(login.user.is_admin).toBe(true);

    const again = await genbox(['admin', 'create', 'ops@example.com', '--password', 'ops-password-1'], db);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already has an account: `genbox admin promote ops@example.com`');
    const nobody = await genbox(['admin', 'promote', 'nobody@example.com'], db);
    expect(nobody.code).toBe(1);
    expect((await genbox(['admin', 'promote', user.email])).stderr).toContain('DATABASE_URL is not set');
    expect(await readdir(home)).not.toContain('nobody');
  });
});
