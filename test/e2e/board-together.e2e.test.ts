import { mkdir, readFile } from 'node:fs/promises';
import type { AssetDto, BoxDto } from '@genbox/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, type UserClient, pngBytes, startTestGenbox } from '../../apps/server/test/harness.js';
import { readZip } from '../support/read-zip.js';
import { seriousViolations } from './axe.js';
import { launchChromium, logIn } from './browser.js';

/** Screenshots a person can look at after the run (CI keeps test-results/ as artifacts). */
const SHOTS = 'test-results/board-together';
const ADMIN_EMAIL = 'together-admin@example.com';
const PASSWORD = 'correct horse battery';
/** This machine may be busy: waits are for what a person would see, never for a time. */
const SEEN = { timeout: 20_000 };
let gb: TestGenbox;
let browser: Browser;
let alice: UserClient, bob: UserClient, vera: UserClient;
let box: BoxDto;
const uploaded = new Map<string, Buffer>();

beforeAll(async () => {
  gb = await startTestGenbox({ LOCAL_PROVIDER_DELAY_MS: '300', GENBOX_ADMIN_EMAIL: ADMIN_EMAIL, GENBOX_ADMIN_PASSWORD: PASSWORD });
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  [alice, bob, vera] = await Promise.all(['Alice', 'Bob', 'Vera'].map((n) => gb.newUser(n)));
  box = await alice.createBox('Look book');
  await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'editor' }).ok(201);
  await alice.post(`/api/boxes/${box.id}/members`, { email: vera.email, role: 'viewer' }).ok(201);
  // a square, a tall and a wide picture, each kept to compare with what comes back
  for (const [w, h, name] of [[1200, 1200, 'square'], [120, 200, 'tall'], [320, 180, 'wide']] as const) {
    const bytes = await pngBytes(w, h, { r: (w * 7) % 255, g: (h * 3) % 255, b: 90 });
    const asset = await alice.upload(box.id, bytes, `${name}.png`, { prompt_text: `${name} reference` }).ok(201) as AssetDto;
    uploaded.set(asset.id, bytes);
  }
});
afterAll(async () => {
  await browser?.close();
  await gb?.stop();
});

async function openBoard(who: UserClient, width = 1280, height = 900): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width, height }, acceptDownloads: true })).newPage();
  await logIn(page, gb.url, who.email, PASSWORD);
  await page.goto(`${gb.url}/boxes/${box.id}`);
  await page.getByTestId('board-live').filter({ hasText: 'Live' }).waitFor(SEEN);
  return page;
}

async function expectAccessible(page: Page, where: string) {
  expect(await seriousViolations(page), where).toEqual([]);
}

const cardOf = (page: Page, text: string) => page.getByTestId('asset-card').filter({ hasText: text });

/** What has keyboard focus: its test id (or tag), and whether a person can see where it is. */
const focused = (page: Page) => page.evaluate(async () => {
  // read after the browser has painted the focus (styles may transition into it)
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const el = document.activeElement as HTMLElement | null;
  if (!el || el === document.body) return { id: 'body', visible: false, style: '' };
  const s = getComputedStyle(el);
  return { id: el.dataset.testid ?? el.tagName.toLowerCase(), visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none', style: `outline ${s.outlineStyle} ${s.outlineWidth}, shadow ${s.boxShadow}` };
});

/** Presses Tab until `target` has focus (at most `max` times): the test ids passed on the way, each checked for a visible focus. */
async function tabTo(page: Page, target: string, max = 60): Promise<string[]> {
  const passed: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    expect(f.visible, `focus on ${f.id} can be seen (${f.style}; after ${passed.join(', ')})`).toBe(true);
    passed.push(f.id);
    if (f.id === target) return passed;
  }
  throw new Error(`${target} never took focus; Tab went through ${passed.join(', ')}`);
}

describe('a team on one board', () => {
  it('each sees who has which asset open: the card shows who, the drawer shows their avatars, and it ends when they close it', async () => {
    const [a, b] = await Promise.all([openBoard(alice), openBoard(bob)]);
    await cardOf(b, 'square reference').getByTestId('asset-open').click();
    await b.getByTestId('asset-drawer').waitFor(SEEN);

    // on Alice's board the card says Bob has it open; the other cards say nothing
    const indicator = cardOf(a, 'square reference').getByTestId('asset-watchers');
    await indicator.waitFor(SEEN);
    expect(await indicator.innerText()).toContain('Bob');
    expect(await cardOf(a, 'wide reference').getByTestId('asset-watchers').count()).toBe(0);
    expect(await b.getByTestId('asset-watchers').count()).toBe(0); // nobody else: Bob is not told about himself

    // Alice opens the same picture: her drawer shows Bob's avatar, his shows hers
    await cardOf(a, 'square reference').getByTestId('asset-open').click();
    const drawerA = a.getByTestId('asset-drawer');
    await drawerA.getByTestId('drawer-looker').waitFor(SEEN);
    expect(await drawerA.getByTestId('drawer-looker').getAttribute('data-user-id')).toBe(bob.id);
    await b.getByTestId('asset-drawer').locator(`[data-testid=drawer-looker][data-user-id="${alice.id}"]`).waitFor(SEEN);
    // the square stays square in the drawer (no stretching), and no wider than the panel
    const img = drawerA.getByTestId('drawer-image');
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), SEEN).toBe(true);
    const box1 = (await img.boundingBox())!;
    expect(Math.abs(box1.width / box1.height - 1)).toBeLessThan(0.02);
    await a.screenshot({ path: `${SHOTS}/detail-drawer.png` });
    await expectAccessible(a, 'drawer with a teammate looking');

    // Bob closes his drawer: Alice's no longer shows him; then she closes hers with Escape too
    await b.keyboard.press('Escape');
    await b.getByTestId('asset-drawer').waitFor({ state: 'detached', ...SEEN });
    await drawerA.getByTestId('drawer-looker').waitFor({ state: 'detached', ...SEEN });
    await a.keyboard.press('Escape');
    await drawerA.waitFor({ state: 'detached', ...SEEN });
    await cardOf(b, 'square reference').getByTestId('asset-watchers').waitFor({ state: 'detached', ...SEEN });
    await a.screenshot({ path: `${SHOTS}/board.png` });
  }, 180_000);

  it('a multi-selection downloads as one zip holding every file byte for byte', async () => {
    const a = await openBoard(alice);
    for (const id of uploaded.keys()) await a.locator(`[data-testid=asset-card][data-asset-id="${id}"]`).getByTestId('asset-select').check();
    await expect.poll(() => a.getByTestId('bulk-count').innerText(), SEEN).toBe('3 selected');
    const [download] = await Promise.all([a.waitForEvent('download', SEEN), a.getByTestId('bulk-download').click()]);
    expect(download.suggestedFilename()).toBe('genbox-3-assets.zip');
    const entries = readZip(await readFile((await download.path())!));
    expect([...entries.keys()].sort()).toEqual([...uploaded.keys()].map((id) => `genbox-${id.slice(0, 8)}.png`).sort());
    for (const [id, bytes] of uploaded) expect(entries.get(`genbox-${id.slice(0, 8)}.png`)!.equals(bytes), id).toBe(true);
  }, 120_000);

  it('a viewer opens and downloads but is offered nothing to change, and the API refuses every change anyway', async () => {
    const v = await openBoard(vera);
    await cardOf(v, 'tall reference').getByTestId('asset-open').click();
    const drawer = v.getByTestId('asset-drawer');
    await drawer.getByTestId('drawer-download').waitFor(SEEN);
    const res = await fetch((await drawer.getByTestId('drawer-download').getAttribute('href'))!);
    const id = (await drawer.getAttribute('data-asset-id'))!;
    expect(Buffer.from(await res.arrayBuffer()).equals(uploaded.get(id)!)).toBe(true);
    const editing = '[data-testid=drawer-delete], [data-testid=drawer-retry], [data-testid=drawer-cancel], [data-testid=drawer-remix], [data-testid=drawer-use-settings], [data-testid=drawer-animate], [data-testid=generate-panel], [data-testid=upload-drop], [data-testid=box-pause], [data-testid=box-delete], [data-testid=member-role], [data-testid=member-invite-submit]';
    expect(await v.locator(editing).count()).toBe(0);
    await expectAccessible(v, 'drawer as a viewer');

    // she may pick cards for a zip too, and is offered neither Retry nor Delete for them
    await v.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached', ...SEEN });
    for (const id of uploaded.keys()) await v.locator(`[data-testid=asset-card][data-asset-id="${id}"]`).getByTestId('asset-select').check();
    await expect.poll(() => v.getByTestId('bulk-count').innerText(), SEEN).toBe('3 selected');
    expect(await v.locator('[data-testid=bulk-delete], [data-testid=bulk-retry]').count()).toBe(0);
    const [zip] = await Promise.all([v.waitForEvent('download', SEEN), v.getByTestId('bulk-download').click()]);
    const entries = readZip(await readFile((await zip.path())!));
    for (const [id, bytes] of uploaded) expect(entries.get(`genbox-${id.slice(0, 8)}.png`)!.equals(bytes), id).toBe(true);
    await expectAccessible(v, 'a viewer with a selection');

    const model = await vera.model('local-image');
    expect((await vera.post(`/api/boxes/${box.id}/generate`, { prompt: 'not allowed', ai_model_id: model.id })).status).toBe(403);
    expect((await vera.upload(box.id, await pngBytes(10, 10), 'x.png')).status).toBe(403);
    expect((await vera.delete(`/api/assets/${id}`)).status).toBe(403);
    expect((await vera.post(`/api/assets/${id}/cancel`, {})).status).toBe(403);
    expect((await vera.patch(`/api/boxes/${box.id}`, { name: 'mine now' })).status).toBe(403);
    expect((await gb.sql('SELECT count(*)::int AS n FROM assets WHERE box_id = $1', [box.id]))[0].n).toBe(3);
  }, 120_000);
});

describe('every page, by keyboard and by axe', () => {
  it('register and sign in: no serious or critical violation, fields in reading order, focus always visible', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${gb.url}/register`);
    await page.getByTestId('register-email').waitFor(SEEN);
    await expectAccessible(page, 'register');
    await page.getByTestId('register-name').focus();
    expect(await tabTo(page, 'register-submit')).toEqual(['register-email', 'register-password', 'register-submit']);

    await page.goto(`${gb.url}/login`);
    await page.getByTestId('login-email').waitFor(SEEN);
    await expectAccessible(page, 'login');
    await page.getByTestId('login-email').focus();
    expect(await tabTo(page, 'login-submit')).toEqual(['login-password', 'login-submit']);
  }, 90_000);

  it('the board: the create panel comes before the grid in Tab order, and every stop shows its focus; boxes, storyboards and analytics pass axe', async () => {
    const a = await openBoard(alice);
    await a.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const before = await tabTo(a, 'generate-prompt');
    expect(before).not.toContain('asset-open');
    await tabTo(a, 'asset-open', 80); // the grid follows, and its cards take focus
    await expectAccessible(a, 'board');

    await a.goto(`${gb.url}/`);
    await a.getByTestId('box-item').first().waitFor(SEEN);
    await expectAccessible(a, 'boxes');

    // a planned storyboard (planning costs nothing), so the view shows its scenes and controls
    await alice.post(`/api/boxes/${box.id}/storyboards`, { prompt: 'A kite rises over a beach. It loops in the wind.', ai_model_id: (await alice.model('local-animate')).id, scenes: 2 }).ok(201);
    await a.goto(`${gb.url}/boxes/${box.id}/storyboards`);
    await a.getByTestId('storyboards-view').waitFor(SEEN);
    await a.getByTestId('storyboard-item').first().click();
    await a.locator('[data-testid=storyboard][data-status=PLANNED]').waitFor(SEEN);
    await a.getByTestId('storyboards-live').filter({ hasText: 'Live' }).waitFor(SEEN);
    await expectAccessible(a, 'storyboards');
    await a.screenshot({ path: `${SHOTS}/storyboards.png`, fullPage: true });

    await a.goto(`${gb.url}/analytics`);
    await a.getByTestId('analytics-total').waitFor(SEEN);
    await expectAccessible(a, 'analytics');
    await a.screenshot({ path: `${SHOTS}/analytics.png`, fullPage: true });
  }, 150_000);

  it('at 390 px: the board, its sheet and the drawer pass axe and fit the screen', async () => {
    const p = await openBoard(bob, 390, 844);
    await p.getByTestId('asset-card').first().waitFor(SEEN);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(p, '390 px board');
    await p.screenshot({ path: `${SHOTS}/phone-390.png` });
    await cardOf(p, 'wide reference').getByTestId('asset-open').click();
    await p.getByTestId('asset-drawer').waitFor(SEEN);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(p, '390 px drawer');
    await p.screenshot({ path: `${SHOTS}/phone-390-drawer.png` });
  }, 120_000);
});

describe('an Admin page that explains itself', () => {
  it('tests a provider connection and a real generation, shows the answers, and refuses to save a model that cannot run, naming the field', async () => {
    const { token } = await gb.client.post<{ token: string }>('/api/auth/login', { email: ADMIN_EMAIL, password: PASSWORD }).ok();
    const auth = { authorization: `Bearer ${token}` };
    await gb.client.request('POST', '/api/boxes', { name: 'Admin box' }, auth);
    await gb.client.request('POST', '/api/providers', { name: 'Replicate (unset)', kind: 'replicate', base_url: 'https://api.replicate.com/v1', is_active: false }, auth);
    const admin = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await logIn(admin, gb.url, ADMIN_EMAIL, PASSWORD);

    await admin.goto(`${gb.url}/admin`);
    const local = admin.getByTestId('provider-row').filter({ has: admin.getByText('local', { exact: true }) });
    await local.getByTestId('provider-test').click();
    const connection = admin.getByTestId('provider-check').getByTestId('check-result');
    await connection.waitFor(SEEN);
    expect(await connection.getAttribute('data-ok')).toBe('true');
    expect(await connection.getByTestId('check-message').innerText()).toMatch(/^Built in/);

    const row = admin.getByTestId('model-row').filter({ hasText: 'local-image' });
    await row.getByTestId('model-test').click();
    const trial = admin.locator('[data-testid=model-check]').getByTestId('check-result');
    await trial.waitFor({ timeout: 60_000 });
    expect(await trial.getAttribute('data-ok')).toBe('true');
    const preview = trial.getByTestId('check-preview');
    await expect.poll(() => preview.evaluate((el: HTMLImageElement) => el.complete ? el.naturalWidth : 0), SEEN).toBeGreaterThan(0);
    await expectAccessible(admin, 'admin with test answers');
    await admin.screenshot({ path: `${SHOTS}/admin.png`, fullPage: true });

    // a Replicate model with no "owner/name": refused, the form says which field and why, nothing saved
    await admin.getByTestId('model-new').click();
    const form = admin.getByTestId('model-form');
    await form.getByTestId('model-provider').selectOption({ label: 'Replicate (unset) (replicate)' });
    await form.getByTestId('model-name').fill('Half a model');
    await form.getByTestId('model-slug').fill('half-a-model');
    await expect.poll(() => form.getByTestId('model-endpoint-help').innerText(), SEEN).toContain('owner/name');
    await form.getByTestId('model-save').click();
    await form.getByTestId('model-error').waitFor(SEEN);
    expect(await form.getByTestId('model-error').innerText()).toMatch(/^api_endpoint: Replicate needs the model as "owner\/name"/);
    expect(await gb.sql("SELECT 1 FROM ai_models WHERE slug = 'half-a-model'")).toEqual([]);
    await expectAccessible(admin, 'admin model form with an error');
    await admin.screenshot({ path: `${SHOTS}/admin-refused.png`, fullPage: true });
  }, 150_000);
});
