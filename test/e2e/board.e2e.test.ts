import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, startTestGenbox } from '../../apps/server/test/harness.js';
import { launchChromium, logIn } from './browser.js';

const ARTIFACTS = 'test-results/e2e';
let gb: TestGenbox;
let browser: Browser;

beforeAll(async () => {
  // long enough in PROCESSING for a person (and this test) to see the card move
  gb = await startTestGenbox({ LOCAL_PROVIDER_DELAY_MS: '1500' });
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await gb?.stop();
});

describe('two teammates on one box, in two browsers', () => {
  it("a card that A starts appears on B's board and moves to COMPLETED without a reload", async () => {
    const alice = await gb.newUser('Alice');
    const bob = await gb.newUser('Bob');
    const box = await alice.createBox('Launch campaign');
    await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'editor' }).ok(201);

    const [pageA, pageB] = await Promise.all([browser.newContext(), browser.newContext()].map(async (c) => (await c).newPage()));
    await logIn(pageA!, gb.url, alice.email, 'correct horse battery');
    await logIn(pageB!, gb.url, bob.email, 'correct horse battery');
    for (const page of [pageA!, pageB!]) {
      await page.getByTestId('box-item').filter({ hasText: 'Launch campaign' }).click();
      await page.getByTestId('board').waitFor();
      await page.getByText('Live').first().waitFor(); // the socket joined the box
    }
    // both see each other as present
    await pageB!.getByTestId('presence-avatar').nth(1).waitFor();

    await pageA!.getByTestId('generate-model').selectOption({ label: 'Local image' });
    await pageA!.getByTestId('generate-prompt').fill('a paper boat on a rainy street');
    await pageA!.getByTestId('generate-submit').click();

    const cardOnB = pageB!.getByTestId('asset-card').filter({ hasText: 'a paper boat on a rainy street' });
    await cardOnB.waitFor({ timeout: 10_000 });
    await pageB!.locator('[data-testid=asset-card][data-status=PROCESSING]').waitFor({ timeout: 10_000 });
    await pageB!.screenshot({ path: `${ARTIFACTS}/teammate-processing.png` });
    await pageB!.locator('[data-testid=asset-card][data-status=COMPLETED]').waitFor({ timeout: 20_000 });

    // B sees the finished picture, not just the word
    const img = cardOnB.locator('img').first();
    await img.waitFor();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    await expect.poll(() => cardOnB.getByTestId('asset-status').innerText()).toMatch(/completed/i);
    await pageB!.screenshot({ path: `${ARTIFACTS}/teammate-completed.png` });

    // and what B's browser shows is what the server holds
    const { items } = await bob.get(`/api/boxes/${box.id}/assets`).ok();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 'COMPLETED', prompt: 'a paper boat on a rainy street', created_by: { display_name: 'Alice' } });
    expect(await cardOnB.getAttribute('data-asset-id')).toBe(items[0].id);
  });
});
