import { KieAdapter, TemplateAdapter, loadCatalog, type IncomingWebhook, type ModelConfig } from '@genbox/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKieSim, type KieSim } from '../simulators/kie.sim.js';
import { startSimServer, testContext, type SimServer } from '../simulators/shared/index.js';
import { download, inputImage, modelRow, pollToEnd, providerRow, submitRequest } from './fixtures.js';

const ctx = testContext();
let sim: KieSim;
let receiver: SimServer;

beforeAll(async () => {
  sim = await startKieSim();
  receiver = await startSimServer(() => ({ status: 200, body: { ok: true } }));
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});

const provider = (kind: 'kie' | 'template') => providerRow({ name: 'Kie.ai', kind, baseUrl: sim.url, uploadBaseUrl: sim.url, apiKey: sim.apiKey, webhookSecret: sim.webhookHmacKey });
const catalogRow = (slug: string): ModelConfig => {
  const m = loadCatalog().models.find((row) => row.slug === slug)!;
  return modelRow({ name: m.name, slug: m.slug, modelType: m.model_type, inputType: m.input_type, apiEndpoint: m.api_endpoint, requestSchema: m.request_schema, responseMapping: m.response_mapping, parametersSchema: m.parameters_schema });
};
const lastBody = (path: string) => sim.server.log.filter((r) => r.path === path).at(-1)!.json as Record<string, any>;

describe("a Kie model registered as Kie's quick-start shows it", () => {
  // base URL https://api.kie.ai, api_endpoint /api/v1/jobs/createTask, request_schema {model, input}
  const quickStart = () => catalogRow('kie-template-seedance-1-5-pro');

  it.each([
    ['kie', new KieAdapter()],
    ['template', new TemplateAdapter()],
  ] as const)('generates on a provider of kind %s, sending the documented body as it is', async (kind, adapter) => {
    const req = submitRequest(provider(kind), quickStart(), { input: inputImage('https://cdn.example/first.png'), params: { duration: '8', aspect_ratio: '16:9', resolution: '720p', generate_audio: true, fixed_lens: false } });
    const submitted = await adapter.submit(req, ctx);
    expect(lastBody('/api/v1/jobs/createTask')).toEqual({
      model: 'bytedance/seedance-1.5-pro',
      input: { prompt: 'a red fox in the snow', input_urls: ['https://cdn.example/first.png'], aspect_ratio: '16:9', resolution: '720p', duration: '8', generate_audio: true, fixed_lens: false },
    });
    const done = (await pollToEnd(() => adapter.poll((submitted as { taskId: string }).taskId, req, ctx))).at(-1)!;
    expect(done.status).toBe('COMPLETED');
  });

  it('the body the Kie adapter used to send (the path as model, input nested twice) is refused by the simulator', async () => {
    const old = { model: '/api/v1/jobs/createTask', input: { prompt: 'a fox', input: { model: 'bytedance/seedance-1.5-pro', input: { prompt: 'a fox' } } } };
    const res = await fetch(`${sim.url}/api/v1/jobs/createTask`, { method: 'POST', headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(old) });
    expect(await res.json()).toMatchObject({ code: 422, msg: expect.stringContaining('"/api/v1/jobs/createTask" is not a supported model') });
    const nested = { model: 'bytedance/seedance-1.5-pro', input: { prompt: 'a fox', input: { prompt: 'a fox' } } };
    const again = await fetch(`${sim.url}/api/v1/jobs/createTask`, { method: 'POST', headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(nested) });
    expect(await again.json()).toMatchObject({ code: 422, msg: expect.stringContaining('input.input: is not a field of this model') });
  });

  it('a duration Seedance does not offer is refused with the field named', async () => {
    const req = submitRequest(provider('kie'), catalogRow('kie-seedance-1-5-pro'), { input: inputImage('https://cdn.example/first.png'), params: { duration: '6' } });
    await expect(new KieAdapter().submit(req, ctx)).rejects.toMatchObject({ code: 'provider_invalid_params', message: expect.stringMatching(/input\.duration/) });
  });
});

describe('Kie Veo 3.1 on its own API', () => {
  const adapter = new KieAdapter();

  it('first and last frame go to imageUrls of /api/v1/veo/generate, record-info is polled until successFlag 1', async () => {
    sim.scripts.push({ steps: [{ phase: 'running', polls: 1 }], outcome: 'succeeded' });
    const veo = catalogRow('kie-veo-3-1-fast');
    const req = submitRequest(provider('kie'), veo, { input: inputImage('https://cdn.example/first.png'), params: { last_frame: 'https://cdn.example/last.png', aspect_ratio: '9:16' } });
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    expect(lastBody('/api/v1/veo/generate')).toMatchObject({ model: 'veo3_fast', prompt: 'a red fox in the snow', imageUrls: ['https://cdn.example/first.png', 'https://cdn.example/last.png'], generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO', aspectRatio: '9:16' });
    const seen = await pollToEnd(() => adapter.poll(taskId, req, ctx));
    expect(seen.map((r) => r.providerState)).toEqual(['successFlag 0', 'successFlag 1']);
    const file = await download((seen.at(-1)!.outputs![0] as { url: string }).url);
    expect(file).toMatchObject({ status: 200, type: 'video/mp4' });
  });

  it('successFlag 3 fails with Kie\'s own reason', async () => {
    sim.scripts.push({ steps: [], outcome: 'failed', failMessage: 'upstream generation failed' });
    const req = submitRequest(provider('kie'), catalogRow('kie-veo-3-1'));
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    expect(await adapter.poll(taskId, req, ctx)).toMatchObject({ status: 'FAILED', error: { code: 'provider_task_failed', message: expect.stringContaining('upstream generation failed') } });
  });

  it('polling a Veo task on the market endpoint (what a market-only adapter did) finds nothing', async () => {
    const req = submitRequest(provider('kie'), catalogRow('kie-veo-3-1'));
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    const res = await fetch(`${sim.url}/api/v1/jobs/recordInfo?taskId=${taskId}`, { headers: { authorization: `Bearer ${sim.apiKey}` } });
    expect(res.status).toBe(404);
  });

  it('a Veo callback is a trigger: its task id is read and the caller polls', async () => {
    sim.scripts.push({ steps: [], outcome: 'succeeded', callbacks: 'once' });
    const req = submitRequest(provider('kie'), catalogRow('kie-veo-3-1-fast'), { webhookUrl: `${receiver.url}/veo`, input: inputImage('https://cdn.example/first.png') });
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    await adapter.poll(taskId, req, ctx);
    await sim.callbacksSettled();
    const hook = receiver.log.filter((r) => r.path === '/veo').map((r): IncomingWebhook => ({ headers: r.headers, rawBody: r.rawBody, query: {}, url: `${receiver.url}${r.path}` }))[0];
    expect(adapter.parseWebhook(hook, req.provider, req.model)).toMatchObject({ taskId, result: null });
  });
});

describe('Kie callbacks in both documented shapes', () => {
  it.each(['taskId', 'task_id'] as const)('a %s callback names its task', async (shape) => {
    const shaped = await startKieSim({ callbackShape: shape });
    const p = providerRow({ ...provider('kie'), baseUrl: shaped.url, apiKey: shaped.apiKey, webhookSecret: shaped.webhookHmacKey });
    shaped.scripts.push({ steps: [], outcome: 'succeeded', callbacks: 'once' });
    const adapter = new KieAdapter();
    const req = submitRequest(p, modelRow({ apiEndpoint: 'nano-banana-2' }), { webhookUrl: `${receiver.url}/shape-${shape}` });
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    await adapter.poll(taskId, req, ctx);
    await shaped.callbacksSettled();
    const r = receiver.log.find((x) => x.path === `/shape-${shape}`)!;
    const parsed = adapter.parseWebhook({ headers: r.headers, rawBody: r.rawBody, query: {}, url: '' }, p, req.model);
    expect(parsed.taskId).toBe(taskId);
    expect(parsed.result?.status).toBe('COMPLETED');
    await shaped.close();
  });
});
