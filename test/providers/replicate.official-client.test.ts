import Replicate, { validateWebhook } from 'replicate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplicateSim, type ReplicateSim } from '../simulators/replicate.sim.js';
import { versionOf } from '../simulators/replicate/models.js';
import { SAMPLE_MP4, startSimServer, type SimServer } from '../simulators/shared/index.js';

// The unchanged official `replicate` npm client, pointed at the simulator: if the simulator drifted
// from Replicate's protocol, this client would fail the same way it would against a wrong server.
let sim: ReplicateSim;
let receiver: SimServer;
let client: Replicate;

beforeAll(async () => {
  sim = await startReplicateSim({ secondMs: 50 });
  receiver = await startSimServer(() => ({ status: 200, body: {} }));
  client = new Replicate({ auth: sim.apiKey, baseUrl: `${sim.url}/v1`, useFileOutput: false });
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});

describe('the official replicate client against the simulator', () => {
  it('creates by model, waits by polling and reads the MP4 output', async () => {
    sim.scripts.push({ steps: [{ phase: 'queued', polls: 1 }, { phase: 'running', polls: 1 }], outcome: 'succeeded' });
    const created = await client.predictions.create({ model: 'google/veo-3.1-fast', input: { prompt: 'waves' } });
    expect(created.status).toBe('starting');
    const done = await client.wait(created, { interval: 10 });
    expect(done.status).toBe('succeeded');
    const res = await fetch(done.output as string);
    expect(Buffer.from(await res.arrayBuffer()).equals(SAMPLE_MP4)).toBe(true);
  });

  it('runs a pinned version with Prefer: wait', async () => {
    sim.scripts.push({ steps: [{ phase: 'running', ms: 20 }], outcome: 'succeeded' });
    const output = await client.run(`black-forest-labs/flux-schnell:${versionOf('black-forest-labs/flux-schnell')}`, { input: { prompt: 'fox' }, wait: { mode: 'block', timeout: 5 } });
    expect(output).toEqual([expect.stringMatching(/\/files\/.+\.png$/)]);
    expect(sim.server.log.at(-1)!.headers.prefer).toMatch(/^wait/);
  });

  it('cancels, gets and lists predictions', async () => {
    sim.scripts.push({ steps: [{ phase: 'running', polls: 100 }], outcome: 'succeeded' });
    const p = await client.predictions.create({ version: versionOf('black-forest-labs/flux-schnell'), input: { prompt: 'x' } });
    expect((await client.predictions.cancel(p.id)).status).toBe('canceled');
    expect((await client.predictions.get(p.id)).status).toBe('canceled');
    const page = await client.predictions.list();
    expect(page.results.map((r) => r.id)).toContain(p.id);
  });

  it('sees a failure and a throttled request as the client expects', async () => {
    sim.scripts.push({ steps: [], outcome: 'failed', failMessage: 'boom' });
    const failed = await client.predictions.create({ model: 'black-forest-labs/flux-schnell', input: { prompt: 'x' } });
    expect(failed).toMatchObject({ status: 'failed', error: 'boom' });
    sim.throttle('GET /v1/predictions/', 0, 1);
    // The client retries a 429 itself, honouring Retry-After.
    expect((await client.predictions.get(failed.id)).status).toBe('failed');
    await expect(client.predictions.create({ model: 'black-forest-labs/flux-schnell', input: { prompt: 'x' }, nope: 1 } as never)).rejects.toThrow(/422/);
  });

  it('signs webhooks the way the client validates them, with the secret the API hands out', async () => {
    sim.scripts.push({ steps: [], outcome: 'succeeded' });
    await client.predictions.create({ model: 'black-forest-labs/flux-schnell', input: { prompt: 'x' }, webhook: `${receiver.url}/hook`, webhook_events_filter: ['completed'] });
    await sim.callbacksSettled();
    const hook = receiver.log.at(-1)!;
    const { key } = await client.webhooks.default.secret.get();
    expect(await validateWebhook({ headers: hook.headers as Record<string, string>, body: hook.rawBody.toString('utf8') } as never, key)).toBe(true);
    expect(await validateWebhook({ headers: hook.headers as Record<string, string>, body: `${hook.rawBody.toString('utf8')} ` } as never, key)).toBe(false);
  });
});
