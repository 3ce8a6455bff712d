import { ReplicateAdapter, progressFromLogs, type IncomingWebhook } from '@genbox/providers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startReplicateSim, type ReplicateSim } from '../simulators/replicate.sim.js';
import { versionOf } from '../simulators/replicate/models.js';
import { SAMPLE_PNG, startSimServer, testContext, type SimServer } from '../simulators/shared/index.js';
import { download, inputImage, modelRow, pollToEnd, providerRow, submitRequest } from './fixtures.js';

let clock = Date.now();
let sim: ReplicateSim;
let receiver: SimServer;
const adapter = new ReplicateAdapter({ preferWaitSeconds: 0, requestTimeoutMs: 300 });
const ctx = testContext();
const VERSION = versionOf('black-forest-labs/flux-schnell');

const flux = modelRow({ name: 'Flux Schnell', apiEndpoint: 'black-forest-labs/flux-schnell' });
const veo = modelRow({ name: 'Veo 3.1 Fast', modelType: 'VIDEO', inputType: 'IMAGE', apiEndpoint: 'google/veo-3.1-fast' });
const provider = () => providerRow({ name: 'Replicate', kind: 'replicate', baseUrl: `${sim.url}/v1`, apiKey: sim.apiKey, webhookSecret: sim.webhookSecret });
const hooks = () => receiver.log.map((r): IncomingWebhook => ({ headers: r.headers, rawBody: r.rawBody, query: {}, url: `${receiver.url}${r.path}` }));
const lastCreate = () => sim.server.log.filter((r) => r.method === 'POST' && r.path.endsWith('/predictions')).at(-1)!;

beforeAll(async () => {
  sim = await startReplicateSim({ now: () => clock, secondMs: 50 });
  receiver = await startSimServer(() => ({ status: 200, body: {} }));
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
afterEach(() => {
  sim.faults.clear();
  receiver.log.length = 0;
});

describe('Replicate adapter against the Replicate simulator', () => {
  it('an official model is run by name, polled through starting/processing with progress, and its PNG downloads', async () => {
    sim.scripts.push({ steps: [{ phase: 'queued', polls: 1 }, { phase: 'running', polls: 2 }], outcome: 'succeeded' });
    const req = submitRequest(provider(), flux, { params: { aspect_ratio: '1:1' } });
    const submitted = await adapter.submit(req, ctx);
    expect(lastCreate().path).toBe('/v1/models/black-forest-labs/flux-schnell/predictions');
    expect(lastCreate().json).toEqual({ input: { prompt: 'a red fox in the snow', aspect_ratio: '1:1' } });
    const seen = await pollToEnd(() => adapter.poll((submitted as { taskId: string }).taskId, req, ctx));
    expect(seen.map((r) => r.providerState)).toEqual(['starting', 'processing', 'processing', 'succeeded']);
    expect(seen[1].progress).toBeGreaterThan(0);
    const file = await download((seen.at(-1)!.outputs![0] as { url: string }).url);
    expect(file).toMatchObject({ status: 200, type: 'image/png' });
    expect(file.bytes.equals(SAMPLE_PNG)).toBe(true);
  });

  it('a pinned version goes to /v1/predictions with the version id', async () => {
    const req = submitRequest(provider(), modelRow({ apiEndpoint: `black-forest-labs/flux-schnell:${VERSION}` }));
    await adapter.submit(req, ctx);
    expect(lastCreate()).toMatchObject({ path: '/v1/predictions', json: { version: VERSION } });
  });

  it('with Prefer: wait a fast model finishes in the create call', async () => {
    const realTime = await startReplicateSim({ secondMs: 50 });
    realTime.scripts.push({ steps: [{ phase: 'running', ms: 20 }], outcome: 'succeeded' }, { steps: [{ phase: 'running', ms: 5_000 }], outcome: 'succeeded' });
    const waiting = new ReplicateAdapter({ preferWaitSeconds: 5 });
    const p = providerRow({ ...provider(), baseUrl: `${realTime.url}/v1`, apiKey: realTime.apiKey });
    expect(await waiting.submit(submitRequest(p, flux), ctx)).toMatchObject({ kind: 'finished', result: { status: 'COMPLETED' } });
    expect(realTime.server.log[0].headers.prefer).toBe('wait=5');
    // A slow model outlives the wait (5 "seconds" of 50 ms here) and comes back to be polled.
    expect(await waiting.submit(submitRequest(p, flux), ctx)).toMatchObject({ kind: 'queued', result: { status: 'PROCESSING' } });
    await realTime.close();
  });

  it('with no reachable URL the input image is staged through /v1/files', async () => {
    const req = submitRequest(provider(), veo, { input: inputImage(null) });
    await adapter.submit(req, ctx);
    const image = (lastCreate().json as { input: { image: string } }).input.image;
    expect(sim.server.log.some((r) => r.path === '/v1/files')).toBe(true);
    expect((await download(image)).bytes.equals(SAMPLE_PNG)).toBe(true);
  });

  it.each([
    ['failed', 'Prediction failed: CUDA out of memory', 'provider_task_failed'],
    ['filtered', undefined, 'provider_content_filtered'],
  ] as const)('a %s prediction keeps Replicate\'s error', async (outcome, failMessage, code) => {
    sim.scripts.push({ steps: [{ phase: 'running', polls: 1 }], outcome, failMessage });
    const req = submitRequest(provider(), flux);
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    const r = (await pollToEnd(() => adapter.poll(taskId, req, ctx))).at(-1)!;
    expect(r).toMatchObject({ status: 'FAILED', error: { code, message: expect.stringMatching(failMessage ?? /NSFW content detected/) } });
  });

  it('cancel stops a running prediction', async () => {
    sim.scripts.push({ steps: [{ phase: 'running', polls: 100 }], outcome: 'succeeded' });
    const req = submitRequest(provider(), flux);
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    await adapter.cancel(taskId, req, ctx);
    expect(await adapter.poll(taskId, req, ctx)).toMatchObject({ status: 'CANCELED', providerState: 'canceled' });
  });

  it('past its create limit the simulator throttles as Replicate does, and the adapter waits the Retry-After', async () => {
    let t = 1_000_000;
    const limited = await startReplicateSim({ now: () => t, secondMs: 1, rateLimit: { max: 2, windowMs: 60_000 } });
    try {
      const p = providerRow({ name: 'Replicate', kind: 'replicate', baseUrl: `${limited.url}/v1`, apiKey: limited.apiKey });
      for (let i = 0; i < 2; i++) expect((await adapter.submit(submitRequest(p, flux), ctx)).kind).not.toBe('error');
      t += 20_000;
      const err = await adapter.submit(submitRequest(p, flux), ctx).catch((e) => e);
      expect(err).toMatchObject({ code: 'provider_rate_limited', retry: { afterMs: 40_000 }, message: expect.stringMatching(/throttled/) });
      t += 40_000;
      expect((await adapter.submit(submitRequest(p, flux), ctx)).kind).toBe('queued');
    } finally {
      await limited.close();
    }
  });

  it('a 429 burst carries Retry-After into the retry delay', async () => {
    sim.throttle('/predictions', 3, 2);
    for (let i = 0; i < 2; i++) {
      const err = await adapter.submit(submitRequest(provider(), flux), ctx).catch((e) => e);
      expect(err).toMatchObject({ code: 'provider_rate_limited', retry: { afterMs: 3000 }, message: expect.stringMatching(/Replicate is rate limiting.*throttled/) });
    }
    expect((await adapter.submit(submitRequest(provider(), flux), ctx)).kind).toBe('queued');
  });

  it.each([
    [{ status: 503, body: { detail: 'Service Unavailable' } }, 'provider_unavailable'],
    [{ status: 200, body: { id: 'x' }, delayMs: 1_000 }, 'provider_timeout'],
    [{ status: 200, headers: { 'content-type': 'application/json' }, body: '{"id":' }, 'provider_bad_response'],
    [{ status: 200, drop: true }, 'provider_network'],
  ])('a bad answer while polling (%j) is %s', async (reply, code) => {
    sim.faults.add('GET /v1/predictions/', reply);
    await expect(adapter.poll('abc', submitRequest(provider(), flux), ctx)).rejects.toMatchObject({ code });
  });

  it('a wrong key and a bad version are permanent, with the reason', async () => {
    await expect(adapter.submit(submitRequest(providerRow({ ...provider(), apiKey: 'r8_wrong' }), flux), ctx)).rejects.toMatchObject({ code: 'provider_auth', retry: false });
    await expect(adapter.submit(submitRequest(provider(), modelRow({ apiEndpoint: 'not a model' })), ctx)).rejects.toMatchObject({ code: 'template_invalid' });
  });

  it('after an hour the output is removed and the result counts as expired', async () => {
    sim.scripts.push({ steps: [{ phase: 'running', polls: 1 }], outcome: 'succeeded', resultTtlMs: 3_600_000 });
    const req = submitRequest(provider(), flux);
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    const url = ((await pollToEnd(() => adapter.poll(taskId, req, ctx))).at(-1)!.outputs![0] as { url: string }).url;
    expect((await download(url)).status).toBe(200);
    clock += 3_600_000;
    expect((await download(url)).status).toBe(404);
    expect(await adapter.poll(taskId, req, ctx)).toMatchObject({ status: 'FAILED', error: { code: 'result_expired' } });
  });

  it.each([
    ['', null],
    ['  0%|          | 0/28 [00:00<?, ?it/s]\n 76%|███████▌  | 21/28 [00:02<00:00]\n', 76],
    ['Using seed: 1\n100%|██████████| 28/28 [00:03<00:00]', 100],
  ])('progress from tqdm logs %j is %s', (logs, pct) => expect(progressFromLogs(logs)).toBe(pct));
});

describe('Replicate webhooks (Standard Webhooks)', () => {
  async function run(callbacks: 'once' | 'twice' | 'out_of_order' | 'late' | 'bad_signature' | 'stale_timestamp') {
    sim.scripts.push({ steps: [{ phase: 'running', polls: 1 }], outcome: 'succeeded', callbacks, lateMs: 50 });
    const req = submitRequest(provider(), flux, { webhookUrl: `${receiver.url}/api/webhooks/replicate/asset-1` });
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    expect(lastCreate().json).toMatchObject({ webhook: req.webhookUrl, webhook_events_filter: ['completed'] });
    await pollToEnd(() => adapter.poll(taskId, req, ctx));
    await sim.callbacksSettled();
    return taskId;
  }

  it('a signed completed event yields the output', async () => {
    const taskId = await run('once');
    expect(adapter.parseWebhook(hooks()[0], provider(), flux)).toMatchObject({ taskId, eventId: expect.stringMatching(/^msg_/), result: { status: 'COMPLETED' } });
  });

  it('a retried delivery keeps its webhook-id', async () => {
    await run('twice');
    const [a, b] = hooks().map((h) => adapter.parseWebhook(h, provider(), flux));
    expect(a.eventId).toBe(b.eventId);
  });

  it('an older event arriving after completed reads as processing', async () => {
    await run('out_of_order');
    expect(hooks().map((h) => adapter.parseWebhook(h, provider(), flux).result?.status)).toEqual(['COMPLETED', 'PROCESSING']);
  });

  it('a late event is still accepted', async () => {
    await run('late');
    expect(adapter.parseWebhook(hooks()[0], provider(), flux).result?.status).toBe('COMPLETED');
  });

  it.each(['bad_signature', 'stale_timestamp'] as const)('%s is refused', async (plan) => {
    await run(plan);
    expect(() => adapter.parseWebhook(hooks()[0], provider(), flux)).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
  });
});
