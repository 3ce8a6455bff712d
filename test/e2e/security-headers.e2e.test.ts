import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, pngBytes, startTestGenbox } from '../../apps/server/test/harness.js';
import { launchChromium, logIn } from './browser.js';

/*
 * The Content-Security-Policy is strict (scripts of this origin only, nothing inline, no framing):
 * the board, its pictures and live updates, the members panel and the API docs page must all
 * work under it in a real Chromium, with not one policy violation reported.
 */

let gb: TestGenbox;
let browser: Browser;

beforeAll(async () => {
  gb = await startTestGenbox();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await gb?.stop();
});

/** Every policy violation and console error the page reports, from its first script on. */
async function watched(): Promise<{ page: Page; problems: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.exposeFunction('reportViolation', (v: string) => problems.push(`violation: ${v}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { reportViolation(v: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, problems };
}

describe('the app under its Content-Security-Policy', () => {
  it('the board shows pictures, a live generation and the members without a single violation', async () => {
    const owner = await gb.newUser('Olive');
    const viewer = await gb.newUser('Victor');
    const box = await owner.createBox('Policed');
    await owner.post(`/api/boxes/${box.id}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
    await owner.upload(box.id, await pngBytes(), 'first.png').ok(201);

    const { page, problems } = await watched();
    const res = await page.goto(`${gb.url}/login`);
    expect(res!.headers()['content-security-policy']).toContain("script-src 'self'");
    await logIn(page, gb.url, owner.email, 'correct horse battery');
    await page.getByTestId('box-item').filter({ hasText: 'Policed' }).click();
    await page.getByTestId('board').waitFor();
    await page.getByText('Live').first().waitFor(); // the socket is up under connect-src

    await page.getByTestId('generate-model').selectOption({ label: 'Local image' });
    await page.getByTestId('generate-prompt').fill('a lantern in the fog');
    await page.getByTestId('generate-submit').click();
    await page.locator('[data-testid=asset-card][data-status=COMPLETED]').nth(1).waitFor({ timeout: 20_000 });
    const images = page.locator('[data-testid=asset-card] img');
    await expect.poll(() => images.evaluateAll((els) => els.filter((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0).length)).toBe(2);

    // owners see emails and can invite an email nobody registered
    await page.getByTestId('member-email').first().waitFor();
    await page.getByTestId('member-invite-email').fill('someone-new@example.com');
    await page.getByTestId('member-invite-submit').click();
    await page.getByTestId('invitation-row').filter({ hasText: 'someone-new@example.com' }).waitFor();
    expect(problems).toEqual([]);

    // a viewer sees names, no emails
    const v = await watched();
    await logIn(v.page, gb.url, viewer.email, 'correct horse battery');
    await v.page.getByTestId('box-item').filter({ hasText: 'Policed' }).click();
    await v.page.getByTestId('member-row').nth(1).waitFor();
    expect(await v.page.getByTestId('members-panel').innerText()).toContain('Olive');
    expect(await v.page.getByTestId('members-panel').innerText()).not.toContain('@');
    expect(v.problems).toEqual([]);
  }, 120_000);

  it('the API docs page renders under the same policy', async () => {
    const { page, problems } = await watched();
    // Swagger UI's bundle is large: on a busy machine it takes a while to parse
    await page.goto(`${gb.url}/api/docs`, { waitUntil: 'commit' });
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 100_000 });
    expect(await page.locator('.swagger-ui .info .title').innerText()).toContain('Genbox');
    expect(problems).toEqual([]);
  }, 150_000);

  it('no other site can frame the board', async () => {
    const { page } = await watched();
    await page.goto(`${gb.url.replace('127.0.0.1', 'localhost')}/api/health`); // any other origin
    await page.setContent(`<iframe id="f" src="${gb.url}/login"></iframe>`);
    await page.waitForTimeout(0);
    const frame = await (await page.$('#f'))!.contentFrame();
    // the frame is left empty: the board never loads inside it
    await expect.poll(async () => frame?.url() ?? '').not.toBe('');
    await expect.poll(async () => (await frame?.$('[data-testid=login-email]')) === null).toBe(true);
  }, 60_000);
});
