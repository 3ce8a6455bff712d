import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, loginAdmin } from '../../apps/server/test/faults/fault-kit.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../../apps/server/test/harness.js';
import { launchChromium, logIn } from './browser.js';

let gb: TestGenbox;
let browser: Browser;
let admin: UserClient;
let receiver: Server;
let receiverUrl: string;

beforeAll(async () => {
  gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password, LOCAL_PROVIDER_DELAY_MS: '800' });
  admin = await loginAdmin(gb);
  browser = await launchChromium();
  receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => receiver?.close(r));
  await gb?.stop();
});

describe('credits and webhooks in the browser', () => {
  it('the header shows the balance and follows a grant, a hold and its capture without a reload', async () => {
    const u = await gb.newUser('Payer');
    await u.createBox('Paid work');
    const local = await u.model('local-image');
    await admin.patch(`/api/models/${local.id}`, { cost: 5 }).ok();
    const page = await (await browser.newContext()).newPage();
    await logIn(page, gb.url, u.email, 'correct horse battery');
    const balance = page.getByTestId('credit-balance');
    await expect.poll(() => balance.innerText()).toBe('0 credits');

    await admin.post('/api/admin/credits', { email: u.email, amount: 30 }).ok(201);
    await expect.poll(() => balance.innerText(), { timeout: 5000 }).toBe('30 credits');

    await page.getByTestId('box-item').filter({ hasText: 'Paid work' }).click();
    await page.getByTestId('board').waitFor();
    await page.getByTestId('generate-model').selectOption({ label: 'Local image' });
    await page.getByTestId('generate-prompt').fill('a lighthouse at dusk');
    await page.getByTestId('generate-submit').click();
    await expect.poll(() => balance.innerText(), { timeout: 5000 }).toBe('25 credits · 5 held');
    await page.locator('[data-testid=asset-card][data-status=COMPLETED]').waitFor({ timeout: 20_000 });
    await expect.poll(() => balance.innerText(), { timeout: 5000 }).toBe('25 credits');
    await admin.patch(`/api/models/${local.id}`, { cost: 0 }).ok();
  });

  it('an admin grants credits from the Admin page', async () => {
    const u = await gb.newUser('Granted');
    const page = await (await browser.newContext()).newPage();
    await admin.createBox('Admin box');
    await logIn(page, gb.url, ADMIN.email, ADMIN.password);
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('credits-email').fill(u.email);
    await page.getByTestId('credits-amount').fill('12');
    await page.getByTestId('credits-submit').click();
    await expect.poll(() => page.getByTestId('credits-result').innerText()).toBe(`${u.email.toLowerCase()} now has 12 credits.`);
    expect((await u.get('/api/credits').ok()).balance).toBe(12);
  });

  it('a box owner adds an endpoint on the board, sees its secret once, and reads its deliveries', async () => {
    const owner = await gb.newUser('Owner');
    const box = await owner.createBox('Hooked');
    const page = await (await browser.newContext()).newPage();
    await logIn(page, gb.url, owner.email, 'correct horse battery');
    await page.getByTestId('box-item').filter({ hasText: 'Hooked' }).click();
    await page.getByTestId('webhooks-toggle').click();
    await page.getByTestId('webhook-url').fill('http://127.0.0.1:9/hook');
    await page.getByTestId('webhook-add').click();
    await expect.poll(() => page.getByTestId('webhooks-error').innerText()).toContain('url: 127.0.0.1 is reached over http');

    await page.getByTestId('webhook-url').fill('https://hooks.example.com/genbox');
    await page.getByTestId('webhook-add').click();
    await expect.poll(() => page.getByTestId('webhook-secret').innerText()).toMatch(/whsec_[A-Za-z0-9+/]{32}/);
    await expect.poll(() => page.getByTestId('webhook-row').count()).toBe(1);

    // an endpoint on a loopback receiver, allowed by an admin (the panel offers no such switch)
    await owner.post(`/api/boxes/${box.id}/members`, { email: ADMIN.email, role: 'owner' }).ok(201);
    await admin.post(`/api/boxes/${box.id}/webhooks`, { url: receiverUrl, events: ['asset.created'], allow_private_network: true }).ok(201);
    const local = await owner.model('local-image');
    await owner.post(`/api/boxes/${box.id}/generate`, { prompt: 'a red kite', ai_model_id: local.id }).ok(202);
    await page.reload();
    await page.getByTestId('webhooks-toggle').click();
    await expect.poll(() => page.getByTestId('webhook-row').count()).toBe(2);
    expect(await page.getByTestId('webhook-secret').count()).toBe(0);
    const row = page.getByTestId('webhook-row').filter({ hasText: receiverUrl });
    await expect.poll(async () => {
      await row.getByRole('button', { name: 'Deliveries' }).click();
      return row.getByTestId('webhook-deliveries').innerText();
    }, { timeout: 10_000 }).toMatch(/asset\.created\s+delivered 204\s+\d+ ms ×1/);
  });
});
