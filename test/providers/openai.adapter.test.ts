import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIAdapter, ProviderError, type SubmitRequest } from '@genbox/providers';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.sim.js';
import { SAMPLE_PNG, testContext } from '../simulators/shared/index.js';
import { modelRow, parentImage, providerRow, submitRequest } from './native.fixtures.js';

let sim: OpenAISimulator;
const adapter = new OpenAIAdapter();
const ctx = testContext();

beforeAll(async () => {
  sim = await startOpenAISimulator({ apiKey: 'sk-proj-secret-abcdef987654' });
});
afterAll(() => sim.close());

const req = (extra: Partial<SubmitRequest> = {}, model = 'gpt-image-1') => submitRequest(providerRow('openai', sim.apiUrl, 'sk-proj-secret-abcdef987654'), modelRow(model), extra);
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a ProviderError'); }, (e: unknown) => e as ProviderError);
const finished = async (p: ReturnType<OpenAIAdapter['submit']>) => {
  const r = await p;
  if (r.kind !== 'finished') throw new Error('expected a finished answer');
  return r.result;
};

describe('OpenAI adapter against the OpenAI simulator', () => {
  it('gpt-image-1 finishes in one call with the image bytes from b64_json', async () => {
    const result = await finished(adapter.submit(req({ params: { size: '1024x1024', quality: 'high' } }), ctx));
    expect(result.status).toBe('COMPLETED');
    expect(result.outputs).toEqual([{ bytes: SAMPLE_PNG, mimeType: 'image/png' }]);
    expect(sim.received.at(-1)!.fields).toMatchObject({ model: 'gpt-image-1', prompt: 'a lighthouse at dusk', n: 1, size: '1024x1024' });
  });

  it('a jpeg output format is labelled and encoded as jpeg', async () => {
    const result = await finished(adapter.submit(req({ params: { output_format: 'jpeg' } }), ctx));
    const out = result.outputs![0] as { bytes: Buffer; mimeType: string };
    expect(out.mimeType).toBe('image/jpeg');
    expect((await sharp(out.bytes).metadata()).format).toBe('jpeg');
  });

  it("a row's request_schema adds fields, rendered with the request's values", async () => {
    const model = modelRow('gpt-image-1', { requestSchema: { quality: '{{quality}}', user: 'genbox-{{asset_id}}' } });
    await finished(adapter.submit(submitRequest(providerRow('openai', sim.apiUrl, 'sk-proj-secret-abcdef987654'), model, { params: { quality: 'low' }, assetId: 'a-42' }), ctx));
    expect(sim.received.at(-1)!.fields).toMatchObject({ quality: 'low', user: 'genbox-a-42' });
  });

  it('dall-e models are asked for b64_json so no temporary URL has to be fetched', async () => {
    const result = await finished(adapter.submit(req({}, 'dall-e-3'), ctx));
    expect(sim.received.at(-1)!.fields.response_format).toBe('b64_json');
    expect(result.outputs![0]).toMatchObject({ mimeType: 'image/png' });
  });

  it('a parent image goes inline to images/edits', async () => {
    await finished(adapter.submit(req({ input: parentImage(null) }), ctx));
    const sent = sim.received.at(-1)!;
    expect(sent.path).toBe('/v1/images/edits');
    expect(sent.files.image.bytes.equals(SAMPLE_PNG)).toBe(true);
  });

  it('a safety refusal is content-filtered with OpenAI’s words', async () => {
    sim.queueScript({ steps: [], outcome: 'filtered' });
    const e = await failure(adapter.submit(req(), ctx));
    expect(e.code).toBe('provider_content_filtered');
    expect(e.message).toContain('rejected as a result of our safety system');
  });

  it('a refused parameter fails at once with OpenAI’s reason and the parameter named', async () => {
    const e = await failure(adapter.submit(req({ params: { size: '999x999' } }), ctx));
    expect(e.retry).toBe(false);
    expect(e.message).toContain("Invalid value: '999x999'");
    expect(e.message).toContain('parameter size');
  });

  it('a 429 burst is retryable after Retry-After', async () => {
    sim.faults.add('/images/generations', { status: 429, headers: { 'retry-after': '3' }, body: { error: { message: 'Rate limit reached for images per minute', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
    const e = await failure(adapter.submit(req(), ctx));
    expect(e.code).toBe('provider_rate_limited');
    expect(e.retry).toEqual({ afterMs: 3000 });
  });

  it('a 500 is retryable', async () => {
    sim.faults.add('/images/generations', { status: 500, body: { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } } });
    const e = await failure(adapter.submit(req(), ctx));
    expect(e.code).toBe('provider_unavailable');
    expect(e.retry).not.toBe(false);
  });

  it('an answer that is not JSON fails permanently with a clear message', async () => {
    sim.faults.add('/images/generations', { status: 200, headers: { 'content-type': 'application/json' }, body: '{"created": 17138' });
    const e = await failure(adapter.submit(req(), ctx));
    expect(e.code).toBe('provider_bad_response');
    expect(e.message).toMatch(/OpenAI sent an answer Genbox cannot read/);
  });

  it('a wrong key names OpenAI, points to Providers and shows no part of the key', async () => {
    const wrong = submitRequest(providerRow('openai', sim.apiUrl, 'sk-wrong-key-0001112223'), modelRow('gpt-image-1'));
    const e = await failure(adapter.submit(wrong, ctx));
    expect(e.code).toBe('provider_auth');
    expect(e.message).toContain('OpenAI');
    expect(e.message).toContain('check the key in Providers');
    expect(e.message).not.toContain('2223');
    expect(e.message).not.toContain('sk-wrong');
  });
});
