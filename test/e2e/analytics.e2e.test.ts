import { mkdir, readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoxDto } from '@genbox/contracts';
import { ADMIN, loginAdmin } from '../../apps/server/test/faults/fault-kit.js';
import { type TestGenbox, type UserClient, insertAsset, startTestGenbox } from '../../apps/server/test/harness.js';
import { seriousViolations } from './axe.js';
import { launchChromium, logIn } from './browser.js';

const SHOTS = 'test-results/analytics';
const JAN_RUN = Date.parse('2026-01-15T10:00:00.000Z');

let gb: TestGenbox;
let browser: Browser;
let admin: UserClient;
let alice: UserClient;
let bob: UserClient;
let box: BoxDto;

/** A box with runs whose figures are known: Alice's two completed, Bob's one completed and one refused by the provider, and one in January. */
beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
  admin = await loginAdmin(gb);
  browser = await launchChromium();
  [alice, bob] = await Promise.all([gb.newUser('Alice'), gb.newUser('bob')]);
  // a name a spreadsheet would take for a formula: the CSV must keep it text
  await gb.sql(`UPDATE users SET display_name = '@Bob' WHERE id = $1`, [bob.id]);
  const local = await admin.model('local-image');
  await admin.patch(`/api/models/${local.id}`, { cost: 2 }).ok();
  for (const u of [alice, bob]) await admin.post('/api/admin/credits', { user_id: u.id, amount: 20 }).ok(201);
  box = await alice.createBox('Launch campaign');
  await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'editor' }).ok(201);
  await admin.createBox('Admin box');

  const generate = async (u: UserClient) => {
    const a = await u.post<{ id: string }>(`/api/boxes/${box.id}/generate`, { prompt: 'a poster', ai_model_id: local.id }).ok(202);
    expect((await u.settled(a.id)).status).toBe('COMPLETED');
  };
  await generate(alice);
  await generate(alice);
  await generate(bob);
  const refused = await insertAsset(gb, box.id, bob.id, { model_id: local.id });
  await gb.sql(`UPDATE assets SET status = 'FAILED', started_at = created_at, completed_at = now(), error_code = 'provider_auth', error_message = 'HTTP 401 invalid key sk-…' WHERE id = $1`, [refused]);
  const old = await insertAsset(gb, box.id, alice.id, { model_id: local.id, created_at: new Date(JAN_RUN) });
  await gb.sql(`UPDATE assets SET status = 'COMPLETED', started_at = $2, completed_at = $3 WHERE id = $1`, [old, new Date(JAN_RUN + 5_000), new Date(JAN_RUN + 40_000)]);
  await admin.patch(`/api/models/${local.id}`, { cost: 3 }).ok(); // a price rise after the runs
});
afterAll(async () => {
  await browser?.close();
  await gb?.stop();
});

async function openAnalytics(u: { email: string; password: string }, width = 1280): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true })).newPage();
  await logIn(page, gb.url, u.email, u.password);
  await page.goto(`${gb.url}/analytics`);
  await page.getByTestId('analytics-total').waitFor();
  return page;
}
const text = (page: Page, id: string) => page.getByTestId(id).innerText();

describe('the analytics page', () => {
  it('a member reads the box\'s numbers, per model and per person, picks custom days, and exports a safe CSV', async () => {
    const page = await openAnalytics({ email: bob.email, password: 'correct horse battery' });
    expect(await page.getByTestId('analytics-box').inputValue()).toBe(box.id);
    // the last 7 days: 4 runs, 3 finished, each charged the 2 credits it cost then
    expect(await text(page, 'analytics-total')).toBe('4');
    expect(await text(page, 'analytics-success')).toBe('75%');
    expect(await text(page, 'analytics-cost')).toBe('6');
    await page.getByText("9 at today's prices").waitFor();
    const people = page.getByTestId('analytics-person-row');
    // name, runs, finished, failed, credits (two runs each: by name)
    expect(await people.allInnerTexts()).toEqual([expect.stringMatching(/^@Bob\s+2\s+1\s+1\s+2$/), expect.stringMatching(/^Alice\s+2\s+2\s+0\s+4$/)]);
    expect(await page.getByTestId('analytics-people').innerText()).not.toContain('@example.com'); // an editor sees no emails
    expect(await text(page, 'analytics-cause')).toContain("The provider refused Genbox's API key");
    expect(await page.getByTestId('analytics-cause-codes').count()).toBe(0);
    expect(await page.content()).not.toContain('invalid key');
    expect(await seriousViolations(page), 'analytics (member)').toEqual([]);
    await page.screenshot({ path: `${SHOTS}/analytics-member.png`, fullPage: true });

    await page.getByTestId('analytics-range').selectOption('custom');
    await page.getByTestId('analytics-from').fill('2026-01-01');
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBe('2026-01-01');
    await page.getByTestId('analytics-to').fill('2026-01-31');
    await expect.poll(() => new URL(page.url()).searchParams.get('to')).toBe('2026-01-31');
    await expect.poll(() => text(page, 'analytics-total')).toBe('1');
    expect(await text(page, 'analytics-runtime')).toBe('40 s / 40 s');
    expect(await text(page, 'analytics-wait')).toBe('5 s / 5 s');
    // the link opens the same days
    await page.reload();
    await expect.poll(() => text(page, 'analytics-total')).toBe('1');
    expect(await page.getByTestId('analytics-range').inputValue()).toBe('custom');

    await page.getByTestId('analytics-range').selectOption('7');
    await expect.poll(() => text(page, 'analytics-total')).toBe('4');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('analytics-csv').click()]);
    expect(download.suggestedFilename()).toBe('genbox-analytics-last-7d.csv');
    const lines = (await readFile((await download.path())!, 'utf8')).split('\n');
    expect(lines).toContain('"person","email","runs","completed","failed","canceled","credits_charged"');
    expect(lines).toContain('"Alice",,2,2,0,0,4');
    expect(lines).toContain(`"'@Bob",,2,1,1,0,2`);
    expect(lines.find((l) => l.startsWith('"Local image",'))).toMatch(/^"Local image",4,3,1,0,/);
  }, 90_000);

  it('at 390 px the page fits the screen and stays accessible', async () => {
    const page = await openAnalytics({ email: alice.email, password: 'correct horse battery' }, 390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByTestId('analytics-people').waitFor();
    // each table turns into cards of labelled figures: nothing is cut off or scrolls sideways
    expect(await page.locator('.table-wrap').evaluateAll((ws) => ws.map((w) => w.scrollWidth - w.clientWidth))).toEqual([0, 0]);
    expect(await page.getByTestId('analytics-model-runtime').isVisible()).toBe(true);
    expect(await seriousViolations(page), 'analytics at 390 px').toEqual([]);
    await page.screenshot({ path: `${SHOTS}/analytics-390.png`, fullPage: true });
  }, 60_000);

  it('an admin reads the whole install, with emails and the provider\'s words behind each cause', async () => {
    const page = await openAnalytics(ADMIN);
    expect(await page.getByTestId('analytics-box').inputValue()).toBe('');
    expect(await text(page, 'analytics-total')).toBe('4');
    expect(await page.getByTestId('analytics-people').innerText()).toContain(alice.email.toLowerCase());
    expect(await text(page, 'analytics-cause-codes')).toBe('provider_auth × 1: latest “HTTP 401 invalid key sk-…”');
    expect(await seriousViolations(page), 'analytics (admin)').toEqual([]);
    await page.screenshot({ path: `${SHOTS}/analytics-admin.png`, fullPage: true });
    await page.getByTestId('analytics-box').selectOption({ label: 'Admin box' });
    await expect.poll(() => text(page, 'analytics-total')).toBe('0');
    expect(new URL(page.url()).searchParams.get('box')).not.toBeNull();
  }, 60_000);
});
