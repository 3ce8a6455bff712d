import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, RunwareAdapter, type PollResult, type SubmitRequest } from '@genbox/providers';
import { startRunwareSimulator, type RunwareSimulator } from '../simulators/runware.sim.js';
import { SAMPLE_MP4, SAMPLE_PNG, startSimServer, testContext, type SimRequest } from '../simulators/shared/index.js';
import { download, modelRow, parentImage, providerRow, submitRequest } from './native.fixtures.js';

let sim: RunwareSimulator;
let clock = 1_000_000;
const adapter = new RunwareAdapter();
const ctx = testContext();

beforeAll(async () => {
  sim = await startRunwareSimulator({ apiKey: 'rw-secret-key-123', now: () => clock });
});
afterAll(() => sim.close());

const provider = () => providerRow('runware', sim.apiUrl, 'rw-secret-key-123');
const imageReq = (extra: Partial<SubmitRequest> = {}) => submitRequest(provider(), modelRow('runware:101@1'), extra);
const videoReq = (extra: Partial<SubmitRequest> = {}) =>
  submitRequest(provider(), modelRow('klingai:5@3', { modelType: 'VIDEO', inputType: 'IMAGE', requestSchema: { duration: 5, width: 1024, height: 576 } }), { input: parentImage('https://cdn.example/parent.png'), ...extra });
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a ProviderError'); }, (e: unknown) => e as ProviderError);

async function pollUntilDone(taskId: string, req: SubmitRequest): Promise<PollResult[]> {
  const seen: PollResult[] = [];
  for (let i = 0; i < 10; i++) {
    const r = await adapter.poll(taskId, req, ctx);
    seen.push(r);
    if (r.status !== 'PROCESSING') return seen;
  }
  throw new Error('task never finished');
}

describe('Runware adapter against the Runware simulator', () => {
  it('a text-to-image run finishes at once with a PNG a person can download', async () => {
    const res = await adapter.submit(imageReq(), ctx);
    expect(res.kind).toBe('finished');
    const result = res.kind === 'finished' ? res.result : null;
    expect(result?.status).toBe('COMPLETED');
    const out = result!.outputs![0] as { url: string };
    const file = await download(out.url);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(SAMPLE_PNG)).toBe(true);
    const sent = sim.log.at(-2)!.json as Record<string, unknown>[];
    expect(sent[0]).toMatchObject({ taskType: 'imageInference', model: 'runware:101@1', positivePrompt: 'a lighthouse at dusk', outputType: 'URL' });
  });

  it('an image the provider could not make fails with Runware’s own reason', async () => {
    sim.queueScript({ steps: [], outcome: 'failed', failCode: 'timeoutProvider', failMessage: 'Upstream model timed out after 90s' });
    const res = await adapter.submit(imageReq(), ctx);
    expect(res.kind === 'finished' && res.result.status).toBe('FAILED');
    const error = res.kind === 'finished' ? res.result.error : undefined;
    expect(error?.code).toBe('provider_task_failed');
    expect(error?.message).toContain('Upstream model timed out after 90s');
  });

  it('a "success" without an image URL is shown as content-filtered', async () => {
    sim.queueScript({ steps: [], outcome: 'filtered' });
    const res = await adapter.submit(imageReq(), ctx);
    const result = res.kind === 'finished' ? res.result : null;
    expect(result?.status).toBe('FAILED');
    expect(result?.error?.code).toBe('provider_content_filtered');
  });

  it('an image-to-video run is queued, polled through processing and ends with a real MP4', async () => {
    const req = videoReq();
    const res = await adapter.submit(req, ctx);
    expect(res.kind).toBe('queued');
    const taskId = res.kind === 'queued' ? res.taskId : '';
    const seen = await pollUntilDone(taskId, req);
    const statuses = seen.map((r) => r.status);
    expect(statuses[0]).toBe('PROCESSING');
    expect(statuses.at(-1)).toBe('COMPLETED');
    const file = await download((seen.at(-1)!.outputs![0] as { url: string }).url);
    expect(file.type).toBe('video/mp4');
    expect(file.bytes.equals(SAMPLE_MP4)).toBe(true);
    const sent = sim.log.find((r) => (r.json as { taskType: string }[])?.[0]?.taskType === 'videoInference')!.json as Record<string, unknown>[];
    expect(sent[0]).toMatchObject({ deliveryMethod: 'async', duration: 5, inputs: { frameImages: [{ image: 'https://cdn.example/parent.png', frame: 'first' }] } });
    expect(sent[0]).not.toHaveProperty('frameImages');
  });

  it('a parent image with no reachable URL is staged through imageUpload and its UUID goes into frameImages', async () => {
    const res = await adapter.submit(videoReq({ input: parentImage(null) }), ctx);
    expect(res.kind).toBe('queued');
    const [uuid, stored] = [...sim.uploads.entries()].at(-1)!;
    expect(stored.bytes.equals(SAMPLE_PNG)).toBe(true);
    const sent = sim.log.at(-1)!.json as { inputs: { frameImages: { image: string }[] } }[];
    expect(sent[0].inputs.frameImages[0].image).toBe(uuid);
  });

  it('a video that fails on Runware’s side ends FAILED with the errors entry’s message', async () => {
    sim.queueScript({ steps: [{ phase: 'running', polls: 1 }], outcome: 'failed', failCode: 'timeoutProvider', failMessage: 'Provider timeout' });
    const req = videoReq();
    const res = await adapter.submit(req, ctx);
    const seen = await pollUntilDone(res.kind === 'queued' ? res.taskId : '', req);
    expect(seen.at(-1)!.error?.message).toContain('Provider timeout');
  });

  it('a simulator given a request limit answers 429 with an errors entry, and the adapter waits its Retry-After', async () => {
    let t = 1_000;
    const limited = await startRunwareSimulator({ apiKey: 'rw-limited', now: () => t, rateLimit: { max: 1, windowMs: 5_000 } });
    try {
      const req = () => submitRequest(providerRow('runware', limited.apiUrl, 'rw-limited'), modelRow('runware:101@1'));
      expect((await adapter.submit(req(), ctx)).kind).toBe('finished');
      const e = await failure(adapter.submit(req(), ctx));
      expect(e).toMatchObject({ code: 'provider_rate_limited', retry: { afterMs: 5000 } });
      t += 5_000;
      expect((await adapter.submit(req(), ctx)).kind).toBe('finished');
    } finally {
      await limited.close();
    }
  });

  it('a 429 burst is retryable after the Retry-After the provider sent', async () => {
    sim.faults.add('POST /v1', { status: 429, headers: { 'retry-after': '7' }, body: { errors: [{ code: 'rateLimitExceeded', message: 'Too many requests' }] } });
    const e = await failure(adapter.submit(imageReq(), ctx));
    expect(e.code).toBe('provider_rate_limited');
    expect(e.retry).toEqual({ afterMs: 7000 });
  });

  it('a 5xx is retryable', async () => {
    sim.faults.add('POST /v1', { status: 502, body: 'Bad gateway' });
    const e = await failure(adapter.submit(imageReq(), ctx));
    expect(e.code).toBe('provider_unavailable');
    expect(e.retry).not.toBe(false);
  });

  it('a body that is not JSON fails permanently with a clear message', async () => {
    sim.faults.add('POST /v1', { status: 200, headers: { 'content-type': 'application/json' }, body: '{"data": [' });
    const e = await failure(adapter.submit(imageReq(), ctx));
    expect(e.code).toBe('provider_bad_response');
    expect(e.retry).toBe(false);
    expect(e.message).toMatch(/Runware sent an answer Genbox cannot read/);
  });

  it('a wrong key fails permanently, names Runware, points to Providers and never shows the key', async () => {
    const req = submitRequest(providerRow('runware', sim.apiUrl, 'wrong-key-987'), modelRow('runware:101@1'));
    const e = await failure(adapter.submit(req, ctx));
    expect(e.code).toBe('provider_auth');
    expect(e.retry).toBe(false);
    expect(e.message).toContain('Runware');
    expect(e.message).toContain('check the key in Providers');
    expect(e.message).not.toContain('wrong-key-987');
  });

  it('parameters Runware refuses fail at once with its parameter named', async () => {
    sim.faults.add('POST /v1', { status: 400, body: { errors: [{ code: 'invalidDuration', message: 'Duration must be 5 or 10', parameter: 'duration', taskType: 'videoInference' }] } });
    const e = await failure(adapter.submit(videoReq(), ctx));
    expect(e.code).toBe('provider_invalid_params');
    expect(e.message).toContain('Duration must be 5 or 10');
    expect(e.message).toContain('duration');
  });

  it('an older "pending" status still reads as processing', async () => {
    const older = await startRunwareSimulator({ apiKey: 'k', pendingWord: 'pending' });
    try {
      const req = submitRequest(providerRow('runware', older.apiUrl, 'k'), videoReq().model, { input: parentImage('https://cdn.example/p.png') });
      const res = await adapter.submit(req, ctx);
      const first = await adapter.poll(res.kind === 'queued' ? res.taskId : '', req, ctx);
      expect(first).toMatchObject({ status: 'PROCESSING', providerState: 'pending' });
    } finally {
      await older.close();
    }
  });

  it('a result URL stops working once it expires', async () => {
    sim.queueScript({ steps: [], outcome: 'succeeded', resultTtlMs: 60_000 });
    const res = await adapter.submit(imageReq(), ctx);
    const url = ((res.kind === 'finished' && res.result.outputs?.[0]) as { url: string }).url;
    expect((await download(url)).status).toBe(200);
    clock += 61_000;
    expect((await download(url)).status).toBe(404);
  });

  it('the finish webhook, wrapped or flat, only names its task: the poll that follows confirms the result', async () => {
    const received: SimRequest[] = [];
    const receiver = await startSimServer((r) => (received.push(r), { status: 200 }));
    const flat = await startRunwareSimulator({ apiKey: 'k', flatWebhooks: true, script: { steps: [{ phase: 'running', ms: 10 }], outcome: 'succeeded' } });
    try {
      for (const s of [sim, flat]) {
        s.queueScript({ steps: [{ phase: 'running', polls: 1 }], outcome: 'succeeded', callbacks: 'once' });
        const req = submitRequest(providerRow('runware', s.apiUrl, s.apiKey), videoReq().model, { input: parentImage('https://cdn.example/p.png'), webhookUrl: `${receiver.url}/hook` });
        const res = await adapter.submit(req, ctx);
        await adapter.poll(res.kind === 'queued' ? res.taskId : '', req, ctx);
        await adapter.poll(res.kind === 'queued' ? res.taskId : '', req, ctx);
      }
      await expect.poll(() => received.length).toBe(2);
      for (const hook of received) {
        // unsigned, so a forged "success" with any video URL must not be stored as it is
        const parsed = adapter.parseWebhook({ headers: hook.headers, rawBody: hook.rawBody, query: {}, url: '/hook' });
        expect(parsed.taskId).toMatch(/^[0-9a-f-]{36}$/);
        expect(parsed.result).toBeNull();
      }
    } finally {
      await flat.close();
      await receiver.close();
    }
  });

  it('request_schema places a parameter where Runware wants it (Vidu background music) and the rest stay at the top', async () => {
    const vidu = modelRow('vidu:1@5', { modelType: 'VIDEO', inputType: 'TEXT', requestSchema: { outputFormat: 'MP4', providerSettings: { vidu: { bgm: '{{bgm}}' } } } });
    await adapter.submit(submitRequest(provider(), vidu, { params: { duration: 4, bgm: true, width: 1280, height: 720 } }), ctx);
    const sent = sim.log.filter((r) => Array.isArray(r.json)).at(-1)!.json as Record<string, unknown>[];
    const task = sent.find((t) => t.taskType === 'videoInference')!;
    expect(task).toMatchObject({ duration: 4, outputFormat: 'MP4', providerSettings: { vidu: { bgm: true } } });
    expect(task).not.toHaveProperty('bgm');
  });

  it.each([
    ['the old top-level frameImages', { frameImages: [{ inputImage: 'https://cdn.example/p.png', frame: 'first' }], duration: 5, width: 1920, height: 1080 }, /frameImages is not a parameter/],
    ['Vidu Q1 at 1280x720', { duration: 5, width: 1280, height: 720 }, /Unsupported dimensions 1280x720/],
    ['Vidu Q1 with providerSettings and a first frame', { duration: 4, width: 1920, height: 1080, providerSettings: { vidu: { bgm: true } }, inputs: { frameImages: [{ image: 'https://cdn.example/p.png', frame: 'first' }] } }, /providerSettings cannot be used with inputs\.frameImages/],
    ['Vidu Q1 with providerSettings at 5 s', { duration: 5, width: 1920, height: 1080, providerSettings: { vidu: { movementAmplitude: 'large' } } }, /duration must be 4/],
    ['Vidu 1.5 under its old catalog id swapped with Q1 (vidu:1@1 at 1280x720)', { duration: 4, width: 1280, height: 720 }, /Unsupported dimensions/],
  ])('the simulator refuses what Runware refuses: %s', async (_what, fields, message) => {
    const res = await fetch(sim.apiUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ taskType: 'videoInference', taskUUID: crypto.randomUUID(), model: 'vidu:1@1', positivePrompt: 'waves', deliveryMethod: 'async', ...fields }]),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(message);
  });

  it('an unknown AIR id is refused as invalidModel and fails the asset with Runware’s words', async () => {
    const err = await adapter.submit(submitRequest(provider(), modelRow('vidu:9@9', { modelType: 'VIDEO' }), { params: { duration: 4 } }), ctx).catch((e) => e);
    expect(err).toMatchObject({ code: 'provider_invalid_params', message: expect.stringContaining('vidu:9@9') });
  });
});
