import { mkdir } from 'node:fs/promises';
import type { AssetDto, BoxDto } from '@genbox/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, loginAdmin } from '../../apps/server/test/faults/fault-kit.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../../apps/server/test/harness.js';
import { type ReplicateSim, startReplicateSim } from '../simulators/replicate.sim.js';
import { seriousViolations } from './axe.js';
import { launchChromium, logIn } from './browser.js';

/**
 * A batch of 8 on a slow model (the Replicate simulator, one prediction at a time, each running
 * for minutes): Alice starts it, Bob sees it as one group with its place in the queue of the whole
 * installation (behind Carol's waiting work in another box) and cancels it all; both boards show
 * every card CANCELED, and Carol's work is untouched.
 */
const SHOTS = 'test-results/batches';
const SEEN = { timeout: 20_000 };
const PASSWORD = 'correct horse battery';
let gb: TestGenbox;
let sim: ReplicateSim;
let browser: Browser;
let alice: UserClient, bob: UserClient, carol: UserClient;
let box: BoxDto;
let model: string;

beforeAll(async () => {
  sim = await startReplicateSim({ secondMs: 20 });
  // every prediction runs far longer than the test: the first one holds the provider's only slot
  for (let i = 0; i < 20; i++) sim.scripts.push({ steps: [{ phase: 'running', ms: 600_000 }], outcome: 'succeeded' });
  gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
  const admin = await loginAdmin(gb);
  const provider = await admin.post('/api/providers', { name: 'Slow Replicate', kind: 'replicate', base_url: `${sim.url}/v1`, api_key: sim.apiKey, allow_private_network: true, max_concurrency: 1 }).ok(201);
  model = (await admin.post('/api/models', {
    provider_id: provider.id, name: 'Slow flux', slug: 'slow-flux', model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'black-forest-labs/flux-schnell',
    response_mapping: { poll: { interval_ms: 500 } }, parameters_schema: {},
  }).ok(201)).id;
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  [alice, bob, carol] = await Promise.all(['Alice', 'Bob', 'Carol'].map((n) => gb.newUser(n)));
  box = await alice.createBox('Batch night');
  await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'editor' }).ok(201);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await gb?.stop();
  await sim?.close();
});

async function openBoard(who: UserClient): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await logIn(page, gb.url, who.email, PASSWORD);
  await page.goto(`${gb.url}/boxes/${box.id}`);
  await page.getByTestId('board-live').filter({ hasText: 'Live' }).waitFor(SEEN);
  return page;
}

describe('a batch of 8 on a slow model', () => {
  it('Bob sees it as one group with its queue position, cancels all, and both boards show every card CANCELED', async () => {
    // Carol's own box holds the provider's slot and one more waiting generation: both are ahead of Alice's batch
    const carolBox = await carol.createBox('Elsewhere');
    const carols = (await carol.post(`/api/boxes/${carolBox.id}/generate`, { prompt: 'a quiet harbour', ai_model_id: model, count: 2 }).ok(202)).items as AssetDto[];
    // the two of one batch are queued together: either may take the slot first
    const carolStatuses = async () => (await Promise.all(carols.map(async (c) => (await carol.get<AssetDto>(`/api/assets/${c.id}`).ok()).status))).sort();
    await expect.poll(carolStatuses, SEEN).toEqual(['PENDING', 'PROCESSING']);

    const [a, b] = await Promise.all([openBoard(alice), openBoard(bob)]);
    await a.getByTestId('generate-model').selectOption({ label: 'Slow flux' });
    await a.getByTestId('generate-prompt').fill('eight paper lanterns');
    await a.getByTestId('generate-count').fill('8');
    await a.getByTestId('generate-submit').click();

    const batchOnB = b.getByTestId('batch').filter({ hasText: 'eight paper lanterns' });
    await batchOnB.waitFor(SEEN);
    expect(await batchOnB.getAttribute('data-size')).toBe('8');
    // Carol's waiting generation goes first, then Alice's first: #2, the same on both boards
    await expect.poll(() => batchOnB.getByTestId('batch-queue-position').innerText(), SEEN).toBe('#2 in queue');
    const batchOnA = a.getByTestId('batch').filter({ hasText: 'eight paper lanterns' });
    await expect.poll(() => batchOnA.getByTestId('batch-queue-position').innerText(), SEEN).toBe('#2 in queue');
    expect(await batchOnB.getByTestId('batch-progress').innerText()).toBe('0 done · 0 running · 8 queued');
    await expect.poll(() => a.locator('[data-testid=asset-card][data-status=PENDING]').count(), SEEN).toBe(8);
    await b.screenshot({ path: `${SHOTS}/batch-queued.png` });
    expect(await seriousViolations(b), 'board with a batch waiting').toEqual([]);

    await batchOnB.getByTestId('batch-cancel-all').click();
    await expect.poll(() => b.locator('[data-testid=asset-card][data-status=CANCELED]').count(), SEEN).toBe(8);
    await expect.poll(() => a.locator('[data-testid=asset-card][data-status=CANCELED]').count(), SEEN).toBe(8);
    expect(await a.locator('[data-testid=asset-card][data-status=PENDING], [data-testid=asset-card][data-status=PROCESSING]').count()).toBe(0);
    await batchOnA.waitFor({ state: 'detached', ...SEEN });
    await batchOnB.waitFor({ state: 'detached', ...SEEN });
    await b.screenshot({ path: `${SHOTS}/batch-canceled.png` });
    expect(await seriousViolations(b), 'board after cancel all').toEqual([]);

    // Carol's work in her own box goes on as before: one running, one waiting
    expect(await carolStatuses()).toEqual(['PENDING', 'PROCESSING']);
    // none of Alice's batch ever reached the provider: only Carol's one prediction was created
    expect(sim.predictions.size).toBe(1);
  }, 180_000);
});
