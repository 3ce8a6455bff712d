import { mkdir, writeFile } from 'node:fs/promises';
import type { StoryboardDto } from '@genbox/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, startTestGenbox } from '../../apps/server/test/harness.js';
import { timeline } from '../../apps/server/test/storyboards/storyboard-kit.js';
import { launchChromium, logIn } from './browser.js';

const ARTIFACTS = 'test-results';
let gb: TestGenbox;
let browser: Browser;

beforeAll(async () => {
  gb = await startTestGenbox({ LOCAL_PROVIDER_DELAY_MS: '500' });
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await gb?.stop();
});

async function openStoryboards(page: Page, boxName: string) {
  await page.getByTestId('box-item').filter({ hasText: boxName }).click();
  await page.getByTestId('board').waitFor();
  await page.getByTestId('open-storyboards').click();
  await page.getByTestId('storyboards-view').waitFor();
  await page.getByTestId('storyboards-live').filter({ hasText: 'Live' }).waitFor();
}

describe('a storyboard in two browsers', () => {
  it("A plans and runs three scenes; B's storyboard view follows every step to the film without a reload", async () => {
    const alice = await gb.newUser('Alice');
    const bob = await gb.newUser('Bob');
    const box = await alice.createBox('Short film');
    await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'viewer' }).ok(201);

    const [pageA, pageB] = await Promise.all([browser.newContext({ viewport: { width: 1400, height: 900 } }), browser.newContext({ viewport: { width: 1400, height: 900 } })].map(async (c) => (await c).newPage()));
    await logIn(pageA!, gb.url, alice.email, 'correct horse battery');
    await logIn(pageB!, gb.url, bob.email, 'correct horse battery');
    await openStoryboards(pageA!, 'Short film');
    await openStoryboards(pageB!, 'Short film');

    // A plans: the scenes, their cost and time appear before anything runs
    await pageA!.getByTestId('storyboard-idea').fill('A paper boat sets off on a rainy street. It rides the gutter to a river. It floats out to the open sea.');
    await pageA!.getByTestId('storyboard-model').selectOption({ label: 'Local video' });
    await pageA!.getByTestId('storyboard-scenes').fill('3');
    await pageA!.getByTestId('param-duration').locator('select').selectOption({ label: '2' });
    await pageA!.getByTestId('storyboard-plan').click();
    await pageA!.locator('[data-testid=storyboard][data-status=PLANNED]').waitFor();
    expect(await pageA!.getByTestId('storyboard-scene').count()).toBe(3);
    // A edits the second scene before running
    await pageA!.getByTestId('scene-prompt-1').fill('The boat spins past a drain and into a rushing river.');

    // B sees the plan arrive, read-only
    const onB = pageB!.getByTestId('storyboard');
    await pageB!.locator('[data-testid=storyboard][data-status=PLANNED]').waitFor({ timeout: 10_000 });
    expect(await pageB!.getByTestId('storyboard-run').count()).toBe(0);

    await pageA!.getByTestId('storyboard-run').click();
    await pageB!.locator('[data-testid=storyboard][data-status=RUNNING]').waitFor({ timeout: 10_000 });
    await pageB!.locator('[data-testid=storyboard-step][data-kind=scene][data-status=PROCESSING]').first().waitFor({ timeout: 60_000 });
    await pageB!.screenshot({ path: `${ARTIFACTS}/storyboard-running.png` });
    await pageB!.locator('[data-testid=storyboard-step][data-kind=frame][data-status=COMPLETED]').first().waitFor({ timeout: 90_000 });
    await pageB!.locator('[data-testid=storyboard][data-status=COMPLETED]').waitFor({ timeout: 180_000 });

    // every step done on B's screen, the edited prompt kept, and the film plays 6 s
    const statuses = await pageB!.getByTestId('storyboard-step').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-status')}`));
    expect(statuses).toEqual(['plan:COMPLETED', 'continuity:COMPLETED', 'scene:COMPLETED', 'frame:COMPLETED', 'scene:COMPLETED', 'frame:COMPLETED', 'scene:COMPLETED', 'film:COMPLETED']);
    expect(await pageB!.getByTestId('scene-prompt-1').inputValue()).toBe('The boat spins past a drain and into a rushing river.');
    const player = onB.getByTestId('film-player');
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.readyState >= 1 ? v.duration : 0), { timeout: 20_000 }).toBeGreaterThan(5.9);
    await expect.poll(() => onB.getByTestId('storyboard-progress').innerText()).toBe('100% done');
    await pageB!.screenshot({ path: `${ARTIFACTS}/storyboard-view.png`, fullPage: true });

    const { items } = await bob.get<{ items: StoryboardDto[] }>(`/api/boxes/${box.id}/storyboards`).ok();
    expect(items).toHaveLength(1);
    expect(await onB.getAttribute('data-storyboard-id')).toBe(items[0]!.id);
    expect(items[0]!.status).toBe('COMPLETED');
    // the run's timeline from the asset history, beside the screenshot of the view
    const steps = await timeline(gb, items[0]!);
    await writeFile(`${ARTIFACTS}/storyboard-timeline.txt`, `${steps.join('\n')}\n`);
    console.log(`[storyboards] the e2e film's timeline:\n${steps.join('\n')}`);
  }, 300_000);
});
