import { mkdir, readFile } from 'node:fs/promises';
import type { AssetPage, BoxDto } from '@genbox/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, type UserClient, pngBytes, startTestGenbox } from '../../apps/server/test/harness.js';
import { bigBox } from '../support/big-box.js';
import { seriousViolations } from './axe.js';
import { launchChromium, logIn } from './browser.js';

const SHOTS = 'test-results/board';
const ADMIN_EMAIL = 'board-admin@example.com';
let gb: TestGenbox;
let browser: Browser;
let alice: UserClient, bob: UserClient, vera: UserClient;
let box: BoxDto;

beforeAll(async () => {
  // long enough in PROCESSING for a teammate (and this test) to see a card move
  gb = await startTestGenbox({ LOCAL_PROVIDER_DELAY_MS: '1200', GENBOX_ADMIN_EMAIL: ADMIN_EMAIL, GENBOX_ADMIN_PASSWORD: 'correct horse battery' });
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  [alice, bob, vera] = await Promise.all(['Alice', 'Bob', 'Vera'].map((n) => gb.newUser(n)));
  box = await alice.createBox('Spring campaign');
  await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'editor' }).ok(201);
  await alice.post(`/api/boxes/${box.id}/members`, { email: vera.email, role: 'viewer' }).ok(201);
});
afterAll(async () => {
  await browser?.close();
  await gb?.stop();
});

async function openBoard(who: UserClient, width = 1280, height = 900): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width, height }, acceptDownloads: true })).newPage();
  await logIn(page, gb.url, who.email, 'correct horse battery');
  await page.goto(`${gb.url}/boxes/${box.id}`);
  await page.getByTestId('board-live').filter({ hasText: 'Live' }).waitFor();
  return page;
}

/** axe-core on the page as it stands: no serious or critical violation. */
async function expectAccessible(page: Page, where: string) {
  expect(await seriousViolations(page), where).toEqual([]);
}

const card = (page: Page, text: string) => page.getByTestId('asset-card').filter({ hasText: text });

describe('two teammates and a viewer on one box', () => {
  it('Alice generates, batches, uploads, animates, searches, filters, opens details and downloads; Bob sees each change live', async () => {
    const [a, b] = await Promise.all([openBoard(alice), openBoard(bob)]);
    await expectAccessible(a, 'board');

    // one generation, seen moving on Bob's board
    await a.getByTestId('generate-model').selectOption({ label: 'Local image' });
    await a.getByTestId('generate-prompt').fill('a lighthouse in fog');
    await a.getByTestId('generate-submit').click();
    await b.locator('[data-testid=asset-card][data-status=COMPLETED]').filter({ hasText: 'Local image' }).waitFor({ timeout: 20_000 });

    // a batch of 4 on a paused queue: one group that says it waits for Resume; Cancel all stops every one, on Bob's board too
    await a.getByTestId('box-pause').click();
    await a.getByTestId('box-paused').waitFor();
    await a.getByTestId('generate-prompt').fill('four koi variations');
    await a.getByTestId('generate-count').fill('4');
    await a.getByTestId('generate-submit').click();
    await expect.poll(() => a.getByTestId('generate-count').inputValue(), { timeout: 10_000 }).toBe('1'); // the count resets with the prompt (once the POST has answered)
    const batchOnB = b.getByTestId('batch').filter({ hasText: 'four koi variations' });
    await batchOnB.waitFor();
    expect(await batchOnB.getAttribute('data-size')).toBe('4');
    await expect.poll(() => batchOnB.getByTestId('batch-queue-position').innerText(), { timeout: 10_000 }).toBe('Paused: waits for Resume');
    await a.screenshot({ path: `${SHOTS}/batch.png` });
    await a.getByTestId('batch').getByTestId('batch-cancel-all').click();
    await expect.poll(() => b.locator('[data-testid=asset-card][data-status=CANCELED]').count(), { timeout: 10_000 }).toBe(4);
    await batchOnB.waitFor({ state: 'detached' });
    await a.getByTestId('box-pause').click(); // resume

    // many files at once, each with its own progress; they appear on Bob's board
    const files = await Promise.all([[64, 48], [48, 64], [80, 45]].map(async ([w, h], i) => ({ name: `shot-${i}.png`, mimeType: 'image/png', buffer: await pngBytes(w, h) })));
    await a.getByTestId('upload-caption').fill('moodboard shot');
    await a.getByTestId('upload-input').setInputFiles(files);
    await expect.poll(() => b.locator('[data-testid=asset-card]').filter({ hasText: 'moodboard shot' }).count(), { timeout: 15_000 }).toBe(3);

    // details: the drawer has its own URL, shows the run, and arrows move between assets
    await card(a, 'a lighthouse in fog').getByTestId('asset-open').click();
    const drawer = a.getByTestId('asset-drawer');
    await drawer.waitFor();
    expect(new URL(a.url()).pathname).toMatch(new RegExp(`/boxes/${box.id}/assets/[0-9a-f-]{36}$`));
    await expect.poll(() => drawer.getByTestId('drawer-model').innerText()).toBe('Local image');
    expect(await drawer.getByTestId('drawer-author').innerText()).toBe('Alice');
    await drawer.getByTestId('drawer-history').locator('li').nth(2).waitFor(); // pending → processing → completed
    expect(await drawer.getByTestId('drawer-history').innerText()).toMatch(/pending[\s\S]*processing[\s\S]*completed/);
    await a.screenshot({ path: `${SHOTS}/detail-drawer.png` });
    await expectAccessible(a, 'detail drawer');
    const download = await Promise.all([a.waitForEvent('download'), drawer.getByTestId('drawer-download').click()]).then(([d]) => d);
    expect(download.suggestedFilename()).toMatch(/^genbox-[0-9a-f]{8}\.png$/);
    expect((await readFile((await download.path())!)).subarray(1, 4).toString()).toBe('PNG');
    const shownId = await drawer.getAttribute('data-asset-id');
    await a.keyboard.press('ArrowLeft');
    await expect.poll(() => drawer.getAttribute('data-asset-id')).not.toBe(shownId);
    await a.keyboard.press('ArrowRight');
    await expect.poll(() => drawer.getAttribute('data-asset-id')).toBe(shownId);

    // Animate: the image becomes the start of an image-to-video run, which Bob sees finish
    await drawer.getByTestId('drawer-animate').click();
    await drawer.waitFor({ state: 'detached' });
    await expect.poll(() => a.getByTestId('generate-model').inputValue()).toBe((await alice.model('local-animate')).id);
    await a.getByTestId('generate-submit').click();
    await b.locator('[data-testid=asset-card][data-status=COMPLETED]').filter({ hasText: 'IMG→VID' }).waitFor({ timeout: 30_000 });

    // search and filter, server-side, in the URL; Bob can open the same view from it
    await a.getByTestId('filter-search').fill('LIGHTHOUSE');
    await expect.poll(() => new URL(a.url()).searchParams.get('q')).toBe('LIGHTHOUSE');
    await expect.poll(() => a.getByTestId('board-count').innerText()).toBe('2 assets'); // the image and its video
    await a.getByTestId('filter-type-VIDEO').click();
    await expect.poll(() => a.getByTestId('board-count').innerText()).toBe('1 asset');
    await b.goto(a.url());
    await expect.poll(() => b.getByTestId('board-count').innerText()).toBe('1 asset');
    expect(await b.getByTestId('asset-card').getAttribute('data-status')).toBe('COMPLETED');
    await a.getByTestId('filters-clear').click();
    await expect.poll(() => new URL(a.url()).search).toBe('');
    await a.screenshot({ path: `${SHOTS}/board.png` });
  }, 180_000);

  it('a viewer opens and downloads, sees no editing control, and the API refuses her edits anyway', async () => {
    await alice.upload(box.id, await pngBytes(60, 90), 'tall.png', { prompt_text: 'for the viewer' }).ok(201);
    const v = await openBoard(vera);
    await v.locator('[data-testid=asset-card][data-status=COMPLETED]').first().waitFor();
    expect(await v.getByTestId('generate-panel').count()).toBe(0);
    expect(await v.getByTestId('upload-drop').count()).toBe(0);
    expect(await v.locator('[data-testid=asset-cancel], [data-testid=asset-retry], [data-testid=box-pause]').count()).toBe(0);
    await v.getByTestId('viewer-note').waitFor();
    await expectAccessible(v, 'board as a viewer');

    await v.locator('[data-testid=asset-card][data-status=COMPLETED]').first().getByTestId('asset-open').click();
    const drawer = v.getByTestId('asset-drawer');
    await drawer.getByTestId('drawer-download').waitFor();
    expect(await drawer.locator('[data-testid=drawer-delete], [data-testid=drawer-retry], [data-testid=drawer-remix], [data-testid=drawer-use-settings], [data-testid=drawer-animate]').count()).toBe(0);
    const href = (await drawer.getByTestId('drawer-download').getAttribute('href'))!;
    const res = await fetch(href);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="genbox-/);
    await v.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });

    const assetId = (await v.getByTestId('asset-card').first().getAttribute('data-asset-id'))!;
    expect((await vera.delete(`/api/assets/${assetId}`)).status).toBe(403);
    expect((await vera.post(`/api/assets/${assetId}/retry`, {})).status).toBe(403);
    expect((await vera.get(`/api/assets/${assetId}`)).status).toBe(200);
  }, 60_000);

  it('at 390 px the grid comes first, the page is no wider than the screen, and the create panels open as a sheet', async () => {
    await alice.upload(box.id, await pngBytes(90, 60), 'wide.png', { prompt_text: 'phone check' }).ok(201);
    const p = await openBoard(alice, 390, 844);
    await p.locator('[data-testid=asset-card]').first().waitFor();
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await p.getByTestId('generate-panel').isVisible()).toBe(false);
    const gridTop = await p.getByTestId('board-grid').evaluate((el) => el.getBoundingClientRect().top);
    expect(gridTop).toBeLessThan(844);
    await expect.poll(() => p.getByTestId('logout').isVisible()).toBe(true);
    await p.screenshot({ path: `${SHOTS}/phone-390.png` });
    await expectAccessible(p, '390 px board');
    await p.getByTestId('sheet-open').click();
    await p.getByTestId('generate-panel').waitFor();
    await p.screenshot({ path: `${SHOTS}/phone-390-sheet.png` });
  }, 60_000);
});

describe('every other page', () => {
  it('the login page and the list of boxes have no serious or critical axe violation', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${gb.url}/login`);
    await page.getByTestId('login-email').waitFor();
    await expectAccessible(page, 'login');
    await logIn(page, gb.url, alice.email, 'correct horse battery');
    await expectAccessible(page, 'boxes');
  }, 60_000);
});

describe('analytics and admin', () => {
  it('a member reads a box\'s analytics and exports them; an admin reads the whole install and an Admin page that explains itself', async () => {
    await alice.post(`/api/boxes/${box.id}/generate`, { prompt: 'for the numbers', ai_model_id: (await alice.model('local-image')).id }).ok(202);
    const page = await openBoard(alice);
    await page.getByTestId('nav-analytics').click();
    await page.getByTestId('analytics-total').waitFor();
    await expect.poll(async () => Number(await page.getByTestId('analytics-total').innerText())).toBeGreaterThan(0);
    expect(await page.getByTestId('analytics-box').inputValue()).toBe(box.id);
    await page.getByTestId('analytics-models').getByText('Local image').waitFor();
    const csv = await Promise.all([page.waitForEvent('download'), page.getByTestId('analytics-csv').click()]).then(([d]) => d);
    const lines = (await readFile((await csv.path())!, 'utf8')).split('\n');
    expect(lines).toContain('"model","runs","completed","failed","canceled","run_p50_s","run_p95_s","wait_p50_s","wait_p95_s","credits_charged","credits_at_list_price","provider_reported"');
    expect(lines.some((l) => l.startsWith('"Local image",'))).toBe(true);
    await expectAccessible(page, 'analytics');
    await page.screenshot({ path: `${SHOTS}/analytics.png`, fullPage: true });

    const { token } = await gb.client.post<{ token: string }>('/api/auth/login', { email: ADMIN_EMAIL, password: 'correct horse battery' }).ok();
    await gb.client.request('POST', '/api/boxes', { name: 'Admin box' }, { authorization: `Bearer ${token}` });
    const admin = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await logIn(admin, gb.url, ADMIN_EMAIL, 'correct horse battery');
    await admin.goto(`${gb.url}/analytics`);
    expect(await admin.getByTestId('analytics-box').inputValue()).toBe(''); // every box
    await admin.getByTestId('analytics-total').waitFor();
    await admin.getByTestId('nav-admin').click();
    await admin.getByTestId('model-group').first().waitFor();
    await admin.getByTestId('model-search').fill('animate');
    await expect.poll(() => admin.getByTestId('model-row').count()).toBe(1);
    await admin.getByTestId('model-search').fill('');
    await expectAccessible(admin, 'admin');
    await admin.screenshot({ path: `${SHOTS}/admin.png`, fullPage: true });
  }, 90_000);
});

describe('a box of 10,000 assets', () => {
  it('opens with skeletons, then cards and the true count, and scrolls to its oldest asset with a bounded DOM', async () => {
    const owner = await gb.newUser('Olga');
    const big = await owner.createBox('Archive');
    const { newest, oldest } = await bigBox(gb.sql, owner, big.id, 10_000);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await logIn(page, gb.url, owner.email, 'correct horse battery');
    // the list answers late (a slow network): the board shows skeletons meanwhile, never "nothing here"
    await page.route('**/api/boxes/*/assets?*', async (route) => { await new Promise((r) => setTimeout(r, 700)); await route.continue(); });
    await page.goto(`${gb.url}/boxes/${big.id}`);
    await page.getByTestId('board-skeleton').waitFor();
    expect(await page.getByTestId('board-empty').count()).toBe(0);
    await page.locator(`[data-testid=asset-card][data-asset-id="${newest}"]`).waitFor();
    await page.unroute('**/api/boxes/*/assets?*');
    await expect.poll(() => page.getByTestId('board-count').innerText()).toBe('10,000 assets');

    let maxElements = 0;
    for (let screens = 0; screens < 2000; screens++) {
      if (await page.locator(`[data-testid=asset-card][data-asset-id="${oldest}"]`).count()) break;
      await page.mouse.wheel(0, 9000);
      await page.waitForTimeout(40);
      maxElements = Math.max(maxElements, await page.evaluate(() => document.getElementsByTagName('*').length));
    }
    await page.locator(`[data-testid=asset-card][data-asset-id="${oldest}"]`).waitFor({ timeout: 30_000 });
    const loaded = await gb.sql<{ n: number }>('SELECT count(*)::int AS n FROM assets WHERE box_id = $1', [big.id]);
    expect(loaded[0]!.n).toBe(10_000);
    // only the rows near the viewport are in the document, however many are loaded
    expect(maxElements).toBeLessThan(2500);
    expect(await page.getByTestId('asset-card').count()).toBeLessThan(120);
    expect(await page.getByTestId('board-loading-more').count()).toBe(0); // the end was reached
    const first: AssetPage = await owner.get<AssetPage>(`/api/boxes/${big.id}/assets?limit=1`).ok();
    expect(first.total).toBe(10_000);
  }, 300_000);
});
