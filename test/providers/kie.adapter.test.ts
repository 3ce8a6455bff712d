import { KieAdapter, type IncomingWebhook } from '@genbox/providers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKieSim, type KieSim } from '../simulators/kie.sim.js';
import { SAMPLE_MP4, SAMPLE_PNG, startSimServer, testContext, type SimServer } from '../simulators/shared/index.js';
import { download, inputImage, modelRow, pollToEnd, providerRow, submitRequest } from './fixtures.js';

let clock = Date.now();
const now = () => clock;
let sim: KieSim;
let receiver: SimServer;
// generous enough for a loaded CI machine; the slow-answer case below waits longer than this
const adapter = new KieAdapter({ requestTimeoutMs: 1_500 });
const ctx = testContext();

const seedance = modelRow({ name: 'Seedance 1.5 Pro', modelType: 'VIDEO', inputType: 'IMAGE', apiEndpoint: 'bytedance/seedance-1.5-pro', requestSchema: { input_urls: ['{{image_url}}'] } });
const image = modelRow({ name: 'Nano Banana', apiEndpoint: 'nano-banana-2' });
const provider = () => providerRow({ name: 'Kie.ai', kind: 'kie', baseUrl: sim.url, uploadBaseUrl: sim.url, apiKey: sim.apiKey, webhookSecret: sim.webhookHmacKey });
const hooks = () => receiver.log.map((r): IncomingWebhook => ({ headers: r.headers, rawBody: r.rawBody, query: {}, url: `${receiver.url}${r.path}` }));

beforeAll(async () => {
  sim = await startKieSim({ now, progress: true });
  receiver = await startSimServer(() => ({ status: 200, body: { ok: true } }));
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
afterEach(() => {
  sim.faults.clear();
  receiver.log.length = 0;
});

describe('Kie.ai adapter against the Kie simulator', () => {
  it('an image-to-video run goes waiting → generating → success and its MP4 downloads', async () => {
    sim.scripts.push({ steps: [{ phase: 'queued', polls: 1 }, { phase: 'running', polls: 2 }], outcome: 'succeeded' });
    const req = submitRequest(provider(), seedance, { input: inputImage('https://cdn.example/parent.png'), params: { duration: '8', generate_audio: true } });
    const submitted = await adapter.submit(req, ctx);
    expect(submitted.kind).toBe('queued');
    const sent = sim.server.log.find((r) => r.path === '/api/v1/jobs/createTask')!.json as Record<string, any>;
    expect(sent).toEqual({ model: 'bytedance/seedance-1.5-pro', input: { prompt: 'a red fox in the snow', duration: '8', generate_audio: true, input_urls: ['https://cdn.example/parent.png'] } });

    const seen = await pollToEnd(() => adapter.poll((submitted as { taskId: string }).taskId, req, ctx));
    expect(seen.map((r) => r.providerState)).toEqual(['waiting', 'generating', 'generating', 'success']);
    expect(seen[1].progress).toBeGreaterThan(0);
    const done = seen.at(-1)!;
    expect(done.status).toBe('COMPLETED');
    const file = await download((done.outputs![0] as { url: string }).url);
    expect(file).toMatchObject({ status: 200, type: 'video/mp4' });
    expect(file.bytes.equals(SAMPLE_MP4)).toBe(true);
  });

  it('a failed task keeps failMsg and failCode in the error message', async () => {
    sim.scripts.push({ steps: [], outcome: 'failed', failMessage: 'Internal server error' });
    const req = submitRequest(provider(), image);
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    expect(await adapter.poll(taskId, req, ctx)).toMatchObject({ status: 'FAILED', error: { code: 'provider_task_failed', message: expect.stringMatching(/Kie\.ai could not generate this: "Internal server error" \(failCode 500\)/) } });
  });

  it('a content-filtered prompt fails as provider_content_filtered', async () => {
    sim.scripts.push({ steps: [], outcome: 'filtered' });
    const req = submitRequest(provider(), image);
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    expect(await adapter.poll(taskId, req, ctx)).toMatchObject({ status: 'FAILED', error: { code: 'provider_content_filtered', message: expect.stringMatching(/prohibited content.*failCode 422/) } });
  });

  it('with no reachable URL the input image is staged on the upload API first', async () => {
    const req = submitRequest(provider(), seedance, { input: inputImage(null) });
    await adapter.submit(req, ctx);
    const upload = sim.server.log.find((r) => r.path === '/api/file-base64-upload')!.json as Record<string, string>;
    expect(upload.uploadPath).toBe('genbox/asset-1');
    const create = sim.server.log.filter((r) => r.path === '/api/v1/jobs/createTask').at(-1)!.json as { input: { input_urls: string[] } };
    const staged = await download(create.input.input_urls[0]);
    expect(staged.bytes.equals(SAMPLE_PNG)).toBe(true);
  });

  it.each([
    ['http', 401, 'provider_auth', /Kie\.ai rejected the API key \(401\).*check the key in Providers/],
    ['body', 402, 'provider_insufficient_credits', /insufficient credits/],
    ['body', 422, 'provider_invalid_params', /refused the parameters/],
    ['http', 500, 'provider_unavailable', /Genbox will try again/],
    ['body', 455, 'provider_unavailable', /maintenance/],
  ] as const)('errors sent as %s status %i become %s', async (mode, code, errorCode, message) => {
    const msg = code === 455 ? 'Service Unavailable: maintenance' : 'refused';
    sim.faults.add('createTask', mode === 'http' ? { status: code, body: { code, msg } } : { status: 200, body: { code, msg } });
    const err = await adapter.submit(submitRequest(provider(), image), ctx).catch((e) => e);
    expect(err).toMatchObject({ code: errorCode, message: expect.stringMatching(message) });
    expect(err.message).not.toContain(sim.apiKey);
  });

  it('a wrong key is refused by the simulator and named as such', async () => {
    const err = await adapter.submit(submitRequest(providerRow({ ...provider(), apiKey: 'wrong' }), image), ctx).catch((e) => e);
    expect(err).toMatchObject({ code: 'provider_auth', retry: false });
  });

  it('more than 20 creates in 10 s are rate limited, and the 21st is not queued', async () => {
    const limited = await startKieSim({ now, rateLimit: { max: 3, windowMs: 10_000 } });
    const p = providerRow({ ...provider(), baseUrl: limited.url, apiKey: limited.apiKey });
    for (let i = 0; i < 3; i++) await adapter.submit(submitRequest(p, image), ctx);
    const err = await adapter.submit(submitRequest(p, image), ctx).catch((e) => e);
    expect(err).toMatchObject({ code: 'provider_rate_limited', retry: {} });
    expect(limited.tasks.size).toBe(3);
    await limited.close();
  });

  it('slow answers, dropped connections and malformed bodies are classified', async () => {
    sim.faults.add('recordInfo', { status: 200, body: { code: 200 }, delayMs: 3_000 });
    sim.faults.add('recordInfo', { status: 200, drop: true });
    sim.faults.add('recordInfo', { status: 200, headers: { 'content-type': 'application/json' }, body: '{"code":200,"data":' });
    const req = submitRequest(provider(), image);
    await expect(adapter.poll('t', req, ctx)).rejects.toMatchObject({ code: 'provider_timeout', retry: {} });
    await expect(adapter.poll('t', req, ctx)).rejects.toMatchObject({ code: 'provider_network', retry: {} });
    await expect(adapter.poll('t', req, ctx)).rejects.toMatchObject({ code: 'provider_bad_response', retry: false });
    await expect(adapter.poll('no-such-task', req, ctx)).rejects.toMatchObject({ code: 'provider_not_found' });
  });

  it('result URLs expire after their TTL', async () => {
    sim.scripts.push({ steps: [], outcome: 'succeeded', resultTtlMs: 60_000 });
    const req = submitRequest(provider(), image);
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    const url = ((await adapter.poll(taskId, req, ctx)).outputs![0] as { url: string }).url;
    expect((await download(url)).status).toBe(200);
    clock += 61_000;
    expect((await download(url)).status).toBe(404);
  });
});

describe('Kie.ai callbacks', () => {
  async function runWithCallbacks(callbacks: 'once' | 'twice' | 'out_of_order' | 'late' | 'bad_signature' | 'stale_timestamp') {
    sim.scripts.push({ steps: [{ phase: 'running', polls: 1 }], outcome: 'succeeded', callbacks, lateMs: 50 });
    const req = submitRequest(provider(), image, { webhookUrl: `${receiver.url}/api/webhooks/kie/asset-1` });
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    await pollToEnd(() => adapter.poll(taskId, req, ctx));
    await sim.callbacksSettled();
    return { taskId, req };
  }

  it('a signed success callback yields the result', async () => {
    const { taskId, req } = await runWithCallbacks('once');
    const [hook] = hooks();
    expect(adapter.parseWebhook(hook, req.provider, req.model)).toMatchObject({ taskId, result: { status: 'COMPLETED', outputs: [{ url: expect.stringContaining('/files/') }] } });
  });

  it('a duplicate delivery carries the same event id, so the server can drop it', async () => {
    await runWithCallbacks('twice');
    const [a, b] = hooks().map((h) => adapter.parseWebhook(h, provider(), image));
    expect(a.eventId).toBe(b.eventId);
  });

  it('an out-of-order callback after the end still reads as in progress (the guarded transition ignores it)', async () => {
    await runWithCallbacks('out_of_order');
    expect(hooks().map((h) => adapter.parseWebhook(h, provider(), image).result?.status)).toEqual(['COMPLETED', 'PROCESSING']);
  });

  it('a late callback after the poll saw the end is still valid', async () => {
    await runWithCallbacks('late');
    expect(sim.callbacks.at(-1)).toMatchObject({ state: 'success', status: 200 });
    expect(adapter.parseWebhook(hooks()[0], provider(), image).result?.status).toBe('COMPLETED');
  });

  it.each(['bad_signature', 'stale_timestamp'] as const)('a callback with %s is refused', async (plan) => {
    await runWithCallbacks(plan);
    expect(() => adapter.parseWebhook(hooks()[0], provider(), image)).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
  });

  it('without a webhook secret a callback is only a trigger to poll', async () => {
    const { taskId } = await runWithCallbacks('once');
    expect(adapter.parseWebhook(hooks()[0], providerRow({ ...provider(), webhookSecret: null }), image)).toEqual({ taskId, eventId: null, result: null });
  });
});
