import { TemplateAdapter, loadCatalog, validateParameters, type ModelConfig, type ProviderConfig } from '@genbox/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKieSim, type KieSim } from '../simulators/kie.sim.js';
import { startReplicateSim, type ReplicateSim } from '../simulators/replicate.sim.js';
import { SAMPLE_MP4, SAMPLE_PNG, testContext } from '../simulators/shared/index.js';
import { startStabilitySimulator, type StabilitySimulator } from '../simulators/stability.sim.js';
import { download, inputImage, pollToEnd, submitRequest } from './fixtures.js';

// The template seed rows of catalog.json, used as plain data, driven end to end against the simulators.
const catalog = loadCatalog();
const adapter = new TemplateAdapter();
const ctx = testContext();
let kie: KieSim;
let replicate: ReplicateSim;
let stability: StabilitySimulator;

function rows(slug: string, baseUrl: string, apiKey: string): { provider: ProviderConfig; model: ModelConfig } {
  const m = catalog.models.find((x) => x.slug === slug)!;
  const p = catalog.providers.find((x) => x.key === m.provider)!;
  return {
    provider: { id: p.key, name: p.name, kind: p.kind, baseUrl, apiKey, extraHeaders: {}, webhookSecret: null, uploadBaseUrl: p.upload_base_url, allowPrivateNetwork: true },
    model: { id: m.slug, name: m.name, slug: m.slug, modelType: m.model_type, inputType: m.input_type, apiEndpoint: m.api_endpoint, requestSchema: m.request_schema, responseMapping: m.response_mapping, parametersSchema: m.parameters_schema },
  };
}
const paramsFor = (model: ModelConfig, input: Record<string, unknown>) => {
  const v = validateParameters(model.parametersSchema, input);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.params;
};

beforeAll(async () => {
  [kie, replicate, stability] = await Promise.all([startKieSim(), startReplicateSim(), startStabilitySimulator()]);
});
afterAll(() => Promise.all([kie.close(), replicate.close(), stability.close()]));

describe('template rows from the catalog', () => {
  it('Kie.ai Seedance 1.5 Pro image-to-video: typed body, polled to an MP4', async () => {
    const { provider, model } = rows('kie-template-seedance-1-5-pro', kie.url, kie.apiKey);
    kie.scripts.push({ steps: [{ phase: 'queued', polls: 1 }, { phase: 'running', polls: 1 }], outcome: 'succeeded' });
    const req = submitRequest(provider, model, { input: inputImage('https://cdn.example/parent.png'), params: paramsFor(model, { duration: '12', generate_audio: 'false' }) });
    const submitted = await adapter.submit(req, ctx);
    expect(kie.server.log.at(-1)!.json).toEqual({
      model: 'bytedance/seedance-1.5-pro',
      input: { prompt: 'a red fox in the snow', input_urls: ['https://cdn.example/parent.png'], aspect_ratio: '16:9', resolution: '720p', duration: '12', generate_audio: false, fixed_lens: false },
    });
    const seen = await pollToEnd(() => adapter.poll((submitted as { taskId: string }).taskId, req, ctx));
    expect(seen.map((r) => r.status)).toEqual(['PROCESSING', 'PROCESSING', 'COMPLETED']);
    expect((await download((seen.at(-1)!.outputs![0] as { url: string }).url)).bytes.equals(SAMPLE_MP4)).toBe(true);
  });

  it('Kie.ai template: a failure keeps failMsg, and a body-coded 402 is insufficient credits', async () => {
    const { provider, model } = rows('kie-template-seedance-1-5-pro', kie.url, kie.apiKey);
    const req = submitRequest(provider, model, { input: inputImage('https://cdn.example/p.png'), params: paramsFor(model, {}) });
    kie.scripts.push({ steps: [], outcome: 'failed', failMessage: 'Image could not be fetched' });
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    expect(await adapter.poll(taskId, req, ctx)).toMatchObject({ status: 'FAILED', error: { message: expect.stringMatching(/"Image could not be fetched" \(code 500\)/) } });
    kie.faults.add('createTask', { status: 200, body: { code: 402, msg: 'Insufficient Credits' } });
    await expect(adapter.submit(req, ctx)).rejects.toMatchObject({ code: 'provider_insufficient_credits' });
  });

  it('Kie.ai template: an image model without a parent image is refused before any call', async () => {
    const { provider, model } = rows('kie-template-seedance-1-5-pro', kie.url, kie.apiKey);
    const before = kie.server.log.length;
    await expect(adapter.submit(submitRequest(provider, model, { params: paramsFor(model, {}) }), ctx)).rejects.toMatchObject({ code: 'missing_input_image' });
    expect(kie.server.log.length).toBe(before);
  });

  it('with inline_image the parent image travels as a data: URI', async () => {
    const { provider, model } = rows('kie-template-seedance-1-5-pro', kie.url, kie.apiKey);
    const inlined = { ...model, responseMapping: { ...(model.responseMapping as object), inline_image: true } };
    await adapter.submit(submitRequest(provider, inlined, { input: inputImage(null), params: paramsFor(model, {}) }), ctx);
    const sent = kie.server.log.at(-1)!.json as { input: { input_urls: string[] } };
    expect(sent.input.input_urls).toEqual([`data:image/png;base64,${SAMPLE_PNG.toString('base64')}`]);
  });

  it('Replicate Flux: created by model, polled, canceled', async () => {
    const { provider, model } = rows('replicate-template-flux-schnell', `${replicate.url}/v1`, replicate.apiKey);
    replicate.scripts.push({ steps: [{ phase: 'running', polls: 1 }], outcome: 'succeeded' }, { steps: [{ phase: 'running', polls: 50 }], outcome: 'succeeded' });
    const req = submitRequest(provider, model, { params: paramsFor(model, { seed: '7' }) });
    const { taskId } = (await adapter.submit(req, ctx)) as { taskId: string };
    expect(replicate.server.log.at(-1)).toMatchObject({ path: '/v1/models/black-forest-labs/flux-schnell/predictions', json: { input: { prompt: 'a red fox in the snow', aspect_ratio: '1:1', output_format: 'png', seed: 7, num_outputs: 1 } } });
    const done = (await pollToEnd(() => adapter.poll(taskId, req, ctx))).at(-1)!;
    expect((await download((done.outputs![0] as { url: string }).url)).bytes.equals(SAMPLE_PNG)).toBe(true);

    const second = (await adapter.submit(req, ctx)) as { taskId: string };
    await adapter.cancel(second.taskId, req, ctx);
    expect(await adapter.poll(second.taskId, req, ctx)).toMatchObject({ status: 'CANCELED' });
  });

  it('Stability Core: multipart, synchronous, base64 image', async () => {
    const { provider, model } = rows('stability-template-core', stability.url, stability.apiKey);
    const result = await adapter.submit(submitRequest(provider, model, { params: paramsFor(model, { aspect_ratio: '16:9' }) }), ctx);
    expect(result).toMatchObject({ kind: 'finished', result: { status: 'COMPLETED' } });
    const output = (result as { result: { outputs: { bytes: Buffer; mimeType: string }[] } }).result.outputs[0];
    expect(output.mimeType).toBe('image/png');
    expect(output.bytes.equals(SAMPLE_PNG)).toBe(true);
    expect(stability.received.at(-1)!.fields).toMatchObject({ prompt: 'a red fox in the snow', aspect_ratio: '16:9', output_format: 'png' });
  });

  it('Stability Core: CONTENT_FILTERED fails as content filtered', async () => {
    const { provider, model } = rows('stability-template-core', stability.url, stability.apiKey);
    stability.queueScript({ steps: [], outcome: 'filtered' });
    const result = await adapter.submit(submitRequest(provider, model, { params: paramsFor(model, {}) }), ctx);
    expect(result).toMatchObject({ kind: 'finished', result: { status: 'FAILED', error: { code: 'provider_content_filtered' } } });
  });
});
