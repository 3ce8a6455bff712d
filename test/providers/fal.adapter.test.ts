import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FalAdapter, ProviderError, type PollResult, type SubmitRequest } from '@genbox/providers';
import { startFalSimulator, type FalSimulator } from '../simulators/fal.sim.js';
import { SAMPLE_MP4, SAMPLE_PNG, startSimServer, testContext, type SimRequest } from '../simulators/shared/index.js';
import { download, modelRow, parentImage, providerRow, submitRequest } from './native.fixtures.js';

let sim: FalSimulator;
let clock = Date.now();
const adapter = new FalAdapter();
const ctx = testContext();
const KEY = 'fal-id-123:fal-secret-456';

beforeAll(async () => {
  sim = await startFalSimulator({ apiKey: KEY, now: () => clock });
});
afterAll(() => sim.close());

const provider = (extra = {}) => providerRow('fal', sim.url, KEY, { uploadBaseUrl: sim.url, webhookSecret: sim.jwksText(), ...extra });
const req = (extra: Partial<SubmitRequest> = {}, endpoint = 'fal-ai/flux/dev') => submitRequest(provider(), modelRow(endpoint), extra);
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a ProviderError'); }, (e: unknown) => e as ProviderError);
const queued = async (r: SubmitRequest) => {
  const res = await adapter.submit(r, ctx);
  if (res.kind !== 'queued') throw new Error('expected a queued answer');
  return res.taskId;
};
async function pollToEnd(taskId: string, r: SubmitRequest): Promise<PollResult[]> {
  const seen: PollResult[] = [];
  for (let i = 0; i < 10 && seen.at(-1)?.status !== 'COMPLETED' && seen.at(-1)?.status !== 'FAILED'; i++) seen.push(await adapter.poll(taskId, r, ctx));
  return seen;
}

describe('fal adapter against the fal simulator', () => {
  it('a request is queued with Key auth, polled through 202s and its image downloaded', async () => {
    const r = req({ params: { num_inference_steps: 28 } });
    const taskId = await queued(r);
    const submitted = sim.log.find((l) => l.method === 'POST' && l.path === '/fal-ai/flux/dev')!;
    expect(submitted.headers.authorization).toBe(`Key ${KEY}`);
    expect(submitted.json).toEqual({ prompt: 'a lighthouse at dusk', num_inference_steps: 28 });
    const seen = await pollToEnd(taskId, r);
    expect(seen[0].status).toBe('PROCESSING');
    expect(seen.at(-1)!.status).toBe('COMPLETED');
    // status and result are asked on owner/app, without the model's subpath
    expect(sim.log.some((l) => l.path === `/fal-ai/flux/requests/${taskId}/status`)).toBe(true);
    const file = await download((seen.at(-1)!.outputs![0] as { url: string }).url);
    expect(file.bytes.equals(SAMPLE_PNG)).toBe(true);
  });

  it('a video model’s output video is found', async () => {
    sim.queueScript({ steps: [], outcome: 'succeeded', output: 'mp4' });
    const r = submitRequest(provider(), modelRow('fal-ai/kling-video/v2/master/image-to-video', { modelType: 'VIDEO', inputType: 'IMAGE' }), { input: parentImage('https://cdn.example/p.png') });
    const seen = await pollToEnd(await queued(r), r);
    const out = seen.at(-1)!.outputs![0] as { url: string; mimeType: string };
    expect(out.mimeType).toBe('video/mp4');
    expect((await download(out.url)).bytes.equals(SAMPLE_MP4)).toBe(true);
    expect(sim.log.find((l) => l.path.endsWith('/image-to-video'))!.json).toMatchObject({ image_url: 'https://cdn.example/p.png' });
  });

  it('a parent image with no reachable URL is uploaded to fal storage first', async () => {
    const r = req({ input: parentImage(null) });
    await queued(r);
    const sent = sim.log.findLast((l) => l.path === '/fal-ai/flux/dev')!.json as { image_url: string };
    expect(sent.image_url).toMatch(/\/storage\/files\//);
    expect((await download(sent.image_url)).bytes.equals(SAMPLE_PNG)).toBe(true);
  });

  it('a row\'s request_schema puts the image where its model wants it, rendered like every adapter\'s', async () => {
    const model = modelRow('fal-ai/flux/dev', { requestSchema: { image_urls: ['{{image_url}}'], seed: '{{seed}}' } });
    await queued(submitRequest(provider(), model, { input: parentImage('https://cdn.example/p.png'), params: { seed: 7 } }));
    const sent = sim.log.findLast((l) => l.path === '/fal-ai/flux/dev')!.json as Record<string, unknown>;
    expect(sent).toMatchObject({ image_urls: ['https://cdn.example/p.png'], seed: 7 });
    expect(sent).not.toHaveProperty('image_url');
  });

  it('a request that fails on fal keeps fal’s own reason', async () => {
    sim.queueScript({ steps: [{ phase: 'running', polls: 1 }], outcome: 'failed', failStatus: 500, failDetail: 'CUDA out of memory on the runner', errorType: 'runner_disconnected' });
    const r = req();
    const seen = await pollToEnd(await queued(r), r);
    expect(seen.at(-1)!.status).toBe('FAILED');
    expect(seen.at(-1)!.error?.message).toContain('CUDA out of memory on the runner');
  });

  it('a missing field fails as invalid input with the field named', async () => {
    const r = req({ prompt: '' });
    const seen = await pollToEnd(await queued(r), r);
    expect(seen.at(-1)!.error?.code).toBe('provider_invalid_params');
    expect(seen.at(-1)!.error?.message).toContain('prompt');
  });

  it('an image the safety checker flags is content-filtered', async () => {
    sim.queueScript({ steps: [], outcome: 'filtered' });
    const r = req();
    const seen = await pollToEnd(await queued(r), r);
    expect(seen.at(-1)!.error?.code).toBe('provider_content_filtered');
  });

  it('cancel stops a queued request, and cancelling a finished one is harmless', async () => {
    sim.queueScript({ steps: [{ phase: 'queued', polls: 5 }], outcome: 'succeeded' });
    const r = req();
    const taskId = await queued(r);
    await adapter.cancel(taskId, r, ctx);
    expect(sim.requests.get(taskId)!.scripted.peek()).toBe('canceled');
    await expect(adapter.cancel(taskId, r, ctx)).resolves.toBeUndefined();
  });

  it('a 429 burst is retryable after Retry-After', async () => {
    sim.faults.add('POST /fal-ai/flux/dev', { status: 429, headers: { 'retry-after': '4' }, body: { detail: 'Too many requests' } });
    const e = await failure(adapter.submit(req(), ctx));
    expect(e.code).toBe('provider_rate_limited');
    expect(e.retry).toEqual({ afterMs: 4000 });
  });

  it('a 503 while polling is retryable', async () => {
    const r = req();
    const taskId = await queued(r);
    sim.faults.add('/status', { status: 503, body: { detail: 'Service Unavailable' } });
    const e = await failure(adapter.poll(taskId, r, ctx));
    expect(e.code).toBe('provider_unavailable');
    expect(e.retry).not.toBe(false);
  });

  it('an unreadable status fails permanently with a clear message', async () => {
    const r = req();
    const taskId = await queued(r);
    sim.faults.add('/status', { status: 202, headers: { 'content-type': 'application/json' }, body: 'IN_QUEUE' });
    const e = await failure(adapter.poll(taskId, r, ctx));
    expect(e.code).toBe('provider_bad_response');
    expect(e.message).toMatch(/fal\.ai sent an answer Genbox cannot read/);
  });

  it('a wrong key names fal.ai, points to Providers and never shows the key', async () => {
    const r = submitRequest(providerRow('fal', sim.url, 'bad-id:bad-secret-xyz'), modelRow('fal-ai/flux/dev'));
    const e = await failure(adapter.submit(r, ctx));
    expect(e.code).toBe('provider_auth');
    expect(e.message).toContain('fal.ai');
    expect(e.message).toContain('check the key in Providers');
    expect(e.message).not.toContain('bad-secret-xyz');
  });

  it('result URLs expire', async () => {
    sim.queueScript({ steps: [], outcome: 'succeeded', resultTtlMs: 1000 });
    const r = req();
    const seen = await pollToEnd(await queued(r), r);
    const url = (seen.at(-1)!.outputs![0] as { url: string }).url;
    expect((await download(url)).status).toBe(200);
    clock += 1001;
    expect((await download(url)).status).toBe(404);
  });

  describe('webhooks', () => {
    let received: SimRequest[];
    let receiver: Awaited<ReturnType<typeof startSimServer>>;
    beforeAll(async () => {
      receiver = await startSimServer((r) => (received.push(r), { status: 200 }));
    });
    afterAll(() => receiver.close());
    const hookOf = (h: SimRequest) => ({ headers: h.headers, rawBody: h.rawBody, query: {}, url: '/hook' });

    async function run(callbacks: 'once' | 'twice' | 'bad_signature' | 'stale_timestamp', outcome: 'succeeded' | 'failed' = 'succeeded', count = callbacks === 'twice' ? 2 : 1) {
      received = [];
      clock = Date.now();
      sim.queueScript({ steps: [], outcome, callbacks, failStatus: 422, failDetail: [{ loc: ['body', 'image_size'], msg: 'value is not a valid enumeration member', type: 'type_error.enum' }] });
      const r = req({ webhookUrl: `${receiver.url}/hook` });
      const taskId = await queued(r);
      expect(sim.log.findLast((l) => l.method === 'POST')!.query.get('fal_webhook')).toBe(`${receiver.url}/hook`);
      await adapter.poll(taskId, r, ctx);
      await expect.poll(() => received.length).toBe(count);
      return taskId;
    }

    it('a signed completion reads as COMPLETED with its outputs, duplicates included', async () => {
      const taskId = await run('twice');
      for (const h of received) {
        const parsed = adapter.parseWebhook(hookOf(h), provider());
        expect(parsed.taskId).toBe(taskId);
        expect(parsed.result?.status).toBe('COMPLETED');
        expect(parsed.result?.outputs?.length).toBe(1);
      }
    });

    it('an ERROR callback keeps fal’s error and detail', async () => {
      await run('once', 'failed');
      const parsed = adapter.parseWebhook(hookOf(received[0]), provider());
      expect(parsed.result?.status).toBe('FAILED');
      expect(parsed.result?.error?.message).toContain('value is not a valid enumeration member');
    });

    it('a bad signature, a stale timestamp or a missing key set is refused', async () => {
      await run('bad_signature');
      expect(() => adapter.parseWebhook(hookOf(received[0]), provider())).toThrow(/signature does not match/);
      await run('stale_timestamp');
      expect(() => adapter.parseWebhook(hookOf(received[0]), provider())).toThrow(/timestamp/);
      await run('once');
      expect(() => adapter.parseWebhook(hookOf(received[0]), provider({ webhookSecret: null }))).toThrow(/no fal public keys/);
      const tampered = { ...hookOf(received[0]), rawBody: Buffer.from(received[0].rawBody.toString().replace('"OK"', '"ERROR"')) };
      expect(() => adapter.parseWebhook(tampered, provider())).toThrow(ProviderError);
    });
  });
});

describe('fal endpoint ids as fal-js parses them', () => {
  it('a namespaced workflow keeps its namespace in status and result URLs, and the URL the adapter used to build is unknown to fal', async () => {
    const r = req({}, 'workflows/genbox-test/storyboard');
    const taskId = await queued(r);
    const seen = await pollToEnd(taskId, r);
    expect(seen.at(-1)!.status).toBe('COMPLETED');
    expect(sim.log.some((l) => l.path === `/workflows/genbox-test/storyboard/requests/${taskId}/status`)).toBe(true);
    const old = await fetch(`${sim.url}/workflows/genbox-test/requests/${taskId}/status`, { headers: { authorization: `Key ${KEY}` } });
    expect(old.status).toBe(404);
  });

  it('an endpoint fal does not host is refused at submit', async () => {
    const e = await failure(adapter.submit(req({}, 'fal-ai/no-such-model'), ctx));
    expect(e.code).toBe('provider_not_found');
  });

  it('an option the endpoint does not list fails the request with the field named', async () => {
    const r = req({ params: { output_format: 'gif' } });
    const seen = await pollToEnd(await queued(r), r);
    expect(seen.at(-1)!.error).toMatchObject({ code: 'provider_invalid_params', message: expect.stringContaining('output_format') });
  });
});
