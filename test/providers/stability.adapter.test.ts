import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, StabilityAdapter, type PollResult, type SubmitRequest } from '@genbox/providers';
import { startStabilitySimulator, type StabilitySimulator } from '../simulators/stability.sim.js';
import { SAMPLE_MP4, SAMPLE_PNG, testContext } from '../simulators/shared/index.js';
import { modelRow, parentImage, providerRow, submitRequest } from './native.fixtures.js';

let sim: StabilitySimulator;
let clock = 5_000_000;
const adapter = new StabilityAdapter();
const ctx = testContext();

beforeAll(async () => {
  sim = await startStabilitySimulator({ apiKey: 'sk-stab-secret-42', resultTtlMs: 24 * 3600_000, now: () => clock });
});
afterAll(() => sim.close());

const provider = () => providerRow('stability', sim.url, 'sk-stab-secret-42');
const imageReq = (extra: Partial<SubmitRequest> = {}, endpoint = 'core') => submitRequest(provider(), modelRow(endpoint), extra);
const videoReq = () => submitRequest(provider(), modelRow('/v2beta/image-to-video', { modelType: 'VIDEO', inputType: 'IMAGE' }), { input: parentImage(null), params: { motion_bucket_id: 127 } });
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a ProviderError'); }, (e: unknown) => e as ProviderError);
const finished = async (p: ReturnType<StabilityAdapter['submit']>) => {
  const r = await p;
  if (r.kind !== 'finished') throw new Error('expected a finished answer');
  return r.result;
};

describe('Stability adapter against the Stability simulator', () => {
  it('a text-to-image run returns the image bytes at once', async () => {
    const result = await finished(adapter.submit(imageReq({ params: { aspect_ratio: '16:9' } }), ctx));
    expect(result.status).toBe('COMPLETED');
    expect(result.outputs?.[0]).toEqual({ bytes: SAMPLE_PNG, mimeType: 'image/png' });
    expect(sim.received.at(-1)!.fields).toMatchObject({ prompt: 'a lighthouse at dusk', aspect_ratio: '16:9' });
    expect(sim.log.at(-1)!.headers.accept).toBe('application/json');
  });

  it('the chosen output format comes back in that format', async () => {
    const result = await finished(adapter.submit(imageReq({ params: { output_format: 'webp' } }), ctx));
    const out = result.outputs?.[0] as { bytes: Buffer; mimeType: string };
    expect(out.mimeType).toBe('image/webp');
    expect((await sharp(out.bytes).metadata()).format).toBe('webp');
  });

  it('sd3 image-to-image sends the parent image bytes inline with its strength, and no aspect ratio', async () => {
    await finished(adapter.submit(imageReq({ input: parentImage(null), params: { strength: 0.6, aspect_ratio: '16:9' } }, 'sd3'), ctx));
    const form = sim.received.at(-1)!;
    expect(form.fields).toMatchObject({ mode: 'image-to-image', strength: '0.6' });
    expect(form.fields).not.toHaveProperty('aspect_ratio');
    expect(form.files.image.bytes.equals(SAMPLE_PNG)).toBe(true);
  });

  it('sd3 image-to-image without strength (what the adapter used to send) is refused by the simulator, and the adapter now says so first', async () => {
    const form = new FormData();
    form.set('prompt', 'a fox');
    form.set('mode', 'image-to-image');
    form.set('image', new Blob([new Uint8Array(SAMPLE_PNG)], { type: 'image/png' }), 'p.png');
    const res = await fetch(`${sim.url}/v2beta/stable-image/generate/sd3`, { method: 'POST', headers: { authorization: `Bearer ${sim.apiKey}`, accept: 'application/json' }, body: form });
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual(['strength: is required when mode is image-to-image']);
    await expect(adapter.submit(imageReq({ input: parentImage(null) }, 'sd3'), ctx)).rejects.toMatchObject({ code: 'template_invalid', message: expect.stringContaining('strength') });
  });

  it.each(['sd3-large', 'sd3-large-turbo', 'sd3-medium'])('the retired SD 3.0 model %s is refused by name', async (model) => {
    const e = await adapter.submit(imageReq({ params: { model } }, 'sd3'), ctx).catch((err) => err);
    expect(e).toMatchObject({ code: 'provider_bad_request', message: expect.stringContaining('model: must be one of sd3.5-large') });
  });

  it('finish_reason CONTENT_FILTERED is a content-filtered failure, not a blurred success', async () => {
    sim.queueScript({ steps: [], outcome: 'filtered' });
    const result = await finished(adapter.submit(imageReq(), ctx));
    expect(result.status).toBe('FAILED');
    expect(result.error?.code).toBe('provider_content_filtered');
  });

  it('a 403 content_moderation is a content refusal, not a key problem', async () => {
    sim.queueScript({ steps: [], outcome: 'failed', failStatus: 403, failName: 'content_moderation', failMessage: 'Your request was flagged by our moderation system.' });
    const e = await failure(adapter.submit(imageReq(), ctx));
    expect(e.code).toBe('provider_content_filtered');
    expect(e.message).toContain('flagged by our moderation system');
  });

  it('a rejected request keeps Stability’s own reason', async () => {
    sim.queueScript({ steps: [], outcome: 'failed', failStatus: 422, failName: 'invalid_prompt', failMessage: 'prompt: must be in English' });
    const e = await failure(adapter.submit(imageReq(), ctx));
    expect(e.retry).toBe(false);
    expect(e.message).toContain('prompt: must be in English');
  });

  it('image-to-video fits the parent image to an accepted size, then polls 202 until the 200 video', async () => {
    const req = videoReq();
    const res = await adapter.submit(req, ctx);
    expect(res.kind).toBe('queued');
    const sent = await sharp(sim.received.at(-1)!.files.image.bytes).metadata();
    expect(`${sent.width}x${sent.height}`).toBe('768x768'); // the 64x64 sample is square
    const seen: PollResult[] = [];
    for (let i = 0; i < 5 && seen.at(-1)?.status !== 'COMPLETED'; i++) seen.push(await adapter.poll(res.kind === 'queued' ? res.taskId : '', req, ctx));
    const statuses = seen.map((r) => r.status);
    expect(statuses[0]).toBe('PROCESSING');
    expect(statuses.at(-1)).toBe('COMPLETED');
    expect(seen.at(-1)!.outputs?.[0]).toEqual({ bytes: SAMPLE_MP4, mimeType: 'video/mp4' });
  });

  it('image-to-video without a parent image fails before calling Stability', async () => {
    const req = { ...videoReq(), input: null };
    const before = sim.log.length;
    const e = await failure(adapter.submit(req, ctx));
    expect(e.code).toBe('missing_input_image');
    expect(sim.log.length).toBe(before);
  });

  it('a video result past its 24 h lifetime reads as expired', async () => {
    sim.queueScript({ steps: [], outcome: 'succeeded' });
    const req = videoReq();
    const res = await adapter.submit(req, ctx);
    const id = res.kind === 'queued' ? res.taskId : '';
    expect((await adapter.poll(id, req, ctx)).status).toBe('COMPLETED');
    clock += 24 * 3600_000 + 1;
    const e = await failure(adapter.poll(id, req, ctx));
    expect(e.code).toBe('result_expired');
  });

  it('past 150 requests in 10 s (here 2) the simulator answers 429 as Stability does, until the window moves on', async () => {
    let t = 1_000;
    const limited = await startStabilitySimulator({ apiKey: 'sk-limited', now: () => t, rateLimit: { max: 2, windowMs: 10_000 } });
    try {
      const req = () => submitRequest(providerRow('stability', limited.url, 'sk-limited'), modelRow('core'));
      for (let i = 0; i < 2; i++) expect((await adapter.submit(req(), ctx)).kind).toBe('finished');
      const e = await failure(adapter.submit(req(), ctx));
      expect(e.code).toBe('provider_rate_limited');
      expect(e.retry).toEqual({ afterMs: 10_000 });
      t += 10_000;
      expect((await adapter.submit(req(), ctx)).kind).toBe('finished');
    } finally {
      await limited.close();
    }
  });

  it('a 429 burst is retryable after Retry-After', async () => {
    sim.faults.add('/generate/core', { status: 429, headers: { 'retry-after': '10' }, body: { id: 'x', name: 'rate_limit_exceeded', errors: ['You have exceeded 150 requests in 10 seconds'] } });
    const e = await failure(adapter.submit(imageReq(), ctx));
    expect(e.code).toBe('provider_rate_limited');
    expect(e.retry).toEqual({ afterMs: 10_000 });
  });

  it('a 500 is retryable', async () => {
    sim.faults.add('/generate/core', { status: 500, body: { id: 'x', name: 'internal_error', errors: ['An unexpected server error occurred'] } });
    const e = await failure(adapter.submit(imageReq(), ctx));
    expect(e.code).toBe('provider_unavailable');
    expect(e.retry).not.toBe(false);
  });

  it('an unreadable body fails permanently with a clear message', async () => {
    sim.faults.add('/generate/core', { status: 200, headers: { 'content-type': 'application/json' }, body: '<html>oops' });
    const e = await failure(adapter.submit(imageReq(), ctx));
    expect(e.code).toBe('provider_bad_response');
    expect(e.message).toMatch(/Stability AI sent an answer Genbox cannot read/);
  });

  it('a wrong key names Stability AI, points to Providers and never shows the key', async () => {
    const req = submitRequest(providerRow('stability', sim.url, 'sk-wrong-0000'), modelRow('core'));
    const e = await failure(adapter.submit(req, ctx));
    expect(e.code).toBe('provider_auth');
    expect(e.message).toContain('Stability AI');
    expect(e.message).toContain('check the key in Providers');
    expect(e.message).not.toContain('sk-wrong-0000');
  });
});
