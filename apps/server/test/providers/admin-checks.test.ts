import type { ModelTestResult, ProviderTestResult } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../../test/simulators/kie.sim.js';
import { type OpenAISimulator, startOpenAISimulator } from '../../../../test/simulators/openai.sim.js';
import { type ReplicateSim, startReplicateSim } from '../../../../test/simulators/replicate.sim.js';
import { type RunwareSimulator, startRunwareSimulator } from '../../../../test/simulators/runware.sim.js';
import { type StabilitySimulator, startStabilitySimulator } from '../../../../test/simulators/stability.sim.js';
import { ADMIN, loginAdmin } from '../faults/fault-kit.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';

let gb: TestGenbox;
let admin: UserClient;
let kie: KieSim, replicate: ReplicateSim, openai: OpenAISimulator, stability: StabilitySimulator, runware: RunwareSimulator;

beforeAll(async () => {
  gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
  admin = await loginAdmin(gb);
  [kie, replicate, openai, stability, runware] = await Promise.all([startKieSim(), startReplicateSim({ secondMs: 20 }), startOpenAISimulator(), startStabilitySimulator(), startRunwareSimulator()]);
});
afterAll(async () => {
  await Promise.all([kie?.close(), replicate?.close(), openai?.close(), stability?.close(), runware?.close()]);
  await gb?.stop();
});

const provider = async (body: Record<string, unknown>) => (await admin.post('/api/providers', { allow_private_network: true, ...body }).ok(201)).id as string;
const testConnection = (id: string) => admin.post<ProviderTestResult>(`/api/providers/${id}/test`, {}).ok();

describe('Test connection', () => {
  it('each kind makes its own authenticated call and says what the provider answered', async () => {
    const answers = await Promise.all([
      provider({ name: 'Kie', kind: 'kie', base_url: kie.url, api_key: kie.apiKey }),
      provider({ name: 'Replicate', kind: 'replicate', base_url: `${replicate.url}/v1`, api_key: replicate.apiKey }),
      provider({ name: 'OpenAI', kind: 'openai', base_url: openai.apiUrl, api_key: openai.apiKey }),
      provider({ name: 'Stability', kind: 'stability', base_url: stability.url, api_key: stability.apiKey }),
      provider({ name: 'Runware', kind: 'runware', base_url: runware.apiUrl, api_key: runware.apiKey }),
    ].map(async (id) => testConnection(await id)));
    expect(answers.map((a) => a.ok)).toEqual([true, true, true, true, true]);
    expect(answers[0]!.message).toBe('Connected: the key works, 35.95 Kie credits left.');
    expect(answers[1]!.message).toBe('Connected: the key belongs to organization "genbox-sim".');
    expect(answers[2]!.message).toMatch(/^Connected: the key works, 3 models available \(gpt-image-1/);
    expect(answers[3]!.message).toBe('Connected: the key works, 42.5 Stability credits left.');
    expect(answers[4]!.message).toBe('Connected: Runware accepted the key.');
  });

  it('a wrong key is an answer, not an error: the provider refused it, and the key is never shown', async () => {
    const id = await provider({ name: 'Replicate, wrong key', kind: 'replicate', base_url: `${replicate.url}/v1`, api_key: 'r8_not-the-key' });
    const answer = await testConnection(id);
    expect(answer.ok).toBe(false);
    expect(answer.message).toMatch(/Replicate, wrong key rejected the API key \(401\)/);
    expect(answer.message).not.toContain('r8_not-the-key');
  });

  it('goes through the network guard: a provider on a private address without allow_private_network is not called', async () => {
    const id = await provider({ name: 'Kie, guarded', kind: 'kie', base_url: kie.url, api_key: kie.apiKey, allow_private_network: false });
    const before = kie.tasks.size;
    const answer = await testConnection(id);
    expect(answer.ok).toBe(false);
    expect(answer.message).toMatch(/private or internal addresses unless the provider has allow_private_network set\. Nothing was sent\./);
    expect(kie.tasks.size).toBe(before);
  });

  it('a provider unreachable on its port says so', async () => {
    const answer = await testConnection(await provider({ name: 'Nobody home', kind: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key: 'sk-x' }));
    expect(answer).toMatchObject({ ok: false });
    expect(answer.message).toMatch(/^Could not reach Nobody home at 127\.0\.0\.1:9/);
    expect(answer.message).not.toMatch(/will try again/);
  });

  it('only admins may run it', async () => {
    const someone = await gb.newUser('Someone');
    const id = await provider({ name: 'Admins only', kind: 'local' });
    expect((await someone.post(`/api/providers/${id}/test`, {})).status).toBe(403);
    expect((await admin.post('/api/providers/not-an-id/test', {})).status).toBe(404);
  });
});

describe('Test generation', () => {
  it('runs the built-in image model for real and answers the picture', async () => {
    const model = await admin.model('local-image');
    const answer = await admin.post<ModelTestResult>(`/api/models/${model.id}/test`, { prompt: 'a test lighthouse' }).ok();
    expect(answer).toMatchObject({ ok: true, status: 'COMPLETED' });
    expect(answer.outputs).toHaveLength(1);
    expect(answer.outputs[0]!.mime_type).toBe('image/png');
    expect(Buffer.from(answer.outputs[0]!.preview!.replace(/^data:image\/png;base64,/, ''), 'base64').subarray(1, 4).toString()).toBe('PNG');
    // nothing was made in any box, nothing charged
    expect(await gb.sql('SELECT id FROM assets')).toEqual([]);
  });

  it('submits to a real provider and polls it to the result, through the guard', async () => {
    const id = await provider({ name: 'Replicate for trials', kind: 'replicate', base_url: `${replicate.url}/v1`, api_key: replicate.apiKey });
    const model = await admin.post('/api/models', { provider_id: id, name: 'Flux trial', slug: 'flux-trial', model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'black-forest-labs/flux-schnell', response_mapping: { poll: { interval_ms: 50 } } }).ok(201);
    const answer = await admin.post<ModelTestResult>(`/api/models/${model.id}/test`, {}).ok();
    expect(answer).toMatchObject({ ok: true, status: 'COMPLETED' });
    expect(answer.task_id).toBeTruthy();
    expect(answer.outputs[0]!.preview).toMatch(/^data:image\//);
  });

  it("a run the provider fails answers the provider's own reason", async () => {
    const id = await provider({ name: 'Kie for trials', kind: 'kie', base_url: kie.url, api_key: kie.apiKey });
    const model = await admin.post('/api/models', { provider_id: id, name: 'Banana trial', slug: 'banana-trial', model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'nano-banana-2', response_mapping: { poll: { interval_ms: 50 } } }).ok(201);
    kie.scripts.push({ steps: [{ phase: 'running', polls: 1 }], outcome: 'filtered', failMessage: 'Invalid prompt: prompt contains prohibited content' });
    const answer = await admin.post<ModelTestResult>(`/api/models/${model.id}/test`, { prompt: 'something refused' }).ok();
    expect(answer).toMatchObject({ ok: false, status: 'FAILED', outputs: [] });
    expect(answer.message).toContain('prompt contains prohibited content');
  });

  it('bad parameters are a 422 naming the field; only admins may run it', async () => {
    const model = await admin.model('local-image');
    const bad = await admin.post(`/api/models/${model.id}/test`, { generation_config: { nonsense: 1 } });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toMatch(/generation_config\.nonsense/);
    expect((await (await gb.newUser('Nobody')).post(`/api/models/${model.id}/test`, {})).status).toBe(403);
  });
});
