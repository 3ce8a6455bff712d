import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createFalClient, type RequestMiddleware } from '@fal-ai/client';
import { RunwareServer } from '@runware/sdk-js';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.sim.js';
import { startFalSimulator, type FalSimulator } from '../simulators/fal.sim.js';
import { startRunwareSimulator, type RunwareSimulator } from '../simulators/runware.sim.js';
import { SAMPLE_MP4, SAMPLE_PNG } from '../simulators/shared/index.js';
import { download } from './native.fixtures.js';

/*
 * The providers' own published clients, unchanged, pointed at our simulators: if they can create, poll and
 * read results, the simulators speak the real protocols. Stability AI publishes no official npm client.
 */

describe('the official openai client against the OpenAI simulator', () => {
  let sim: OpenAISimulator;
  beforeAll(async () => (sim = await startOpenAISimulator({ apiKey: 'sk-official-client' })));
  afterAll(() => sim.close());

  it('images.generate answers b64_json bytes of a real PNG', async () => {
    const client = new OpenAI({ apiKey: 'sk-official-client', baseURL: sim.apiUrl, maxRetries: 0 });
    const res = await client.images.generate({ model: 'gpt-image-1', prompt: 'a lighthouse', size: '1024x1024', quality: 'low' });
    expect(Buffer.from(res.data![0].b64_json!, 'base64').equals(SAMPLE_PNG)).toBe(true);
    expect(res.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('a wrong key surfaces as the client’s AuthenticationError', async () => {
    const client = new OpenAI({ apiKey: 'sk-wrong', baseURL: sim.apiUrl, maxRetries: 0 });
    await expect(client.images.generate({ model: 'gpt-image-1', prompt: 'x' })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe('the official @fal-ai/client against the fal simulator', () => {
  let sim: FalSimulator;
  let fal: ReturnType<typeof createFalClient>;
  beforeAll(async () => {
    sim = await startFalSimulator({ apiKey: 'fal-id:fal-secret' });
    // The client's documented requestMiddleware hook moves its fixed hosts (queue.fal.run, rest.fal.ai) onto the simulator.
    const toSimulator: RequestMiddleware = async (r) => ({ ...r, url: r.url.replace(/^https:\/\/(queue\.fal\.run|rest\.fal\.ai)/, sim.url) });
    fal = createFalClient({ credentials: 'fal-id:fal-secret', requestMiddleware: toSimulator });
  });
  afterAll(() => sim.close());

  it('queue submit, status until COMPLETED, then result with a downloadable image', async () => {
    const { request_id } = await fal.queue.submit('fal-ai/flux/dev', { input: { prompt: 'a lighthouse' } });
    const states: string[] = [];
    for (let i = 0; i < 10 && states.at(-1) !== 'COMPLETED'; i++) states.push((await fal.queue.status('fal-ai/flux/dev', { requestId: request_id, logs: true })).status);
    expect(states[0]).not.toBe('COMPLETED');
    expect(states.at(-1)).toBe('COMPLETED');
    const result = await fal.queue.result('fal-ai/flux/dev', { requestId: request_id });
    expect(result.requestId).toBe(request_id);
    const file = await download((result.data as { images: { url: string }[] }).images[0].url);
    expect(file.bytes.equals(SAMPLE_PNG)).toBe(true);
  });

  it('queue cancel is accepted for a waiting request', async () => {
    sim.queueScript({ steps: [{ phase: 'queued', polls: 10 }], outcome: 'succeeded' });
    const { request_id } = await fal.queue.submit('fal-ai/flux/dev', { input: { prompt: 'wait' } });
    await fal.queue.cancel('fal-ai/flux/dev', { requestId: request_id });
    expect(sim.requests.get(request_id)!.scripted.peek()).toBe('canceled');
  });

  it('storage.upload stores a file the simulator then serves', async () => {
    const url = await fal.storage.upload(new Blob([new Uint8Array(SAMPLE_PNG)], { type: 'image/png' }));
    expect((await download(url)).bytes.equals(SAMPLE_PNG)).toBe(true);
  });
});

describe('the official @runware/sdk-js (WebSocket) against the Runware simulator', () => {
  let sim: RunwareSimulator;
  beforeAll(async () => (sim = await startRunwareSimulator({ apiKey: 'rw-official', script: { steps: [{ phase: 'running', ms: 50 }], outcome: 'succeeded' } })));
  afterAll(() => sim.close());

  it('authenticates, runs imageInference, uploads an image and polls a videoInference to its MP4', async () => {
    const runware = new RunwareServer({ apiKey: 'rw-official', url: sim.wsUrl, shouldReconnect: false, globalMaxRetries: 1, timeoutDuration: 5000 });
    try {
      await runware.ensureConnection();
      const images = await runware.imageInference({ positivePrompt: 'a lighthouse', model: 'runware:101@1', width: 512, height: 512, numberResults: 1, outputType: 'URL' });
      expect((await download(images![0].imageURL!)).bytes.equals(SAMPLE_PNG)).toBe(true);

      const uploaded = await runware.imageUpload({ image: `data:image/png;base64,${SAMPLE_PNG.toString('base64')}` });
      const imageUUID = String((uploaded as { imageUUID?: unknown }).imageUUID);
      expect(sim.uploads.has(imageUUID)).toBe(true);

      // The SDK sends deliveryMethod async and polls getResponse (every 2 s) until a success entry arrives.
      const videos = (await runware.videoInference({ model: 'klingai:5@3', positivePrompt: 'waves', duration: 5, numberResults: 1, inputs: { frameImages: [{ image: imageUUID, frame: 'first' }] } } as never)) as { videoURL?: string }[];
      expect((await download(videos[0].videoURL!)).bytes.equals(SAMPLE_MP4)).toBe(true);
    } finally {
      await runware.disconnect();
    }
  }, 20_000);

  it('a wrong key is refused at authentication with Runware’s invalidApiKey', async () => {
    const runware = new RunwareServer({ apiKey: 'rw-wrong', url: sim.wsUrl, shouldReconnect: false, globalMaxRetries: 1, timeoutDuration: 5000 });
    try {
      await expect(runware.ensureConnection()).rejects.toMatchObject({ error: { code: 'invalidApiKey' } });
    } finally {
      await runware.disconnect();
    }
  });
});
