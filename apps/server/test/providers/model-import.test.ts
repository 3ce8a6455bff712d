import type { AssetDto, ModelDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFalSimulator, type FalSimulator } from '../../../../test/simulators/fal.sim.js';
import { startReplicateSim, type ReplicateSim } from '../../../../test/simulators/replicate.sim.js';
import { ADMIN, loginAdmin } from '../faults/fault-kit.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';

/** An admin types a model name; Genbox reads the provider's published schema, creates the row, and it generates. */
let gb: TestGenbox;
let admin: UserClient;
let replicate: ReplicateSim;
let fal: FalSimulator;
const providers: Record<string, string> = {};

beforeAll(async () => {
  gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
  admin = await loginAdmin(gb);
  replicate = await startReplicateSim({ secondMs: 20 });
  fal = await startFalSimulator();
  const make = (name: string, kind: string, base_url: string, api_key: string) => admin.post('/api/providers', { name, kind, base_url, api_key, allow_private_network: true }).ok(201);
  providers.replicate = (await make('Replicate sim', 'replicate', `${replicate.url}/v1`, replicate.apiKey)).id;
  providers.fal = (await make('fal sim', 'fal', fal.url, fal.apiKey)).id;
  providers.kie = (await make('Kie sim', 'kie', 'http://127.0.0.1:9', 'k')).id;
}, 60_000);
afterAll(async () => {
  await replicate?.close();
  await fal?.close();
  await gb?.stop();
});

describe('POST /api/models/import', () => {
  it('a Replicate model imported by name offers its schema as a form, and a generation on it finishes', async () => {
    const model = await admin.post('/api/models/import', { provider_id: providers.replicate, name: 'google/veo-3.1-fast' }).ok(201);
    expect(model).toMatchObject({ slug: 'replicate-google-veo-3-1-fast', name: 'Veo 3.1 Fast', model_type: 'VIDEO', input_type: 'TEXT', api_endpoint: 'google/veo-3.1-fast' });
    expect(model.parameters_schema.duration).toMatchObject({ type: 'select', options: [4, 6, 8], default: 8 });
    const listed = (await admin.get<{ items: ModelDto[] }>('/api/models').ok()).items.find((m) => m.id === model.id)!;
    expect(listed.parameters_schema.resolution).toMatchObject({ type: 'select', options: ['720p', '1080p'] });

    const box = await admin.createBox('Imported');
    const asset = await admin.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: 'waves at dawn', ai_model_id: model.id, generation_config: { duration: 4, resolution: '720p' } }).ok(202);
    const done = await admin.settled(asset.id, 60_000);
    expect(done).toMatchObject({ status: 'COMPLETED', mime_type: expect.stringMatching(/^video\//) });
    const sent = [...replicate.predictions.values()].find((p) => p.model === 'google/veo-3.1-fast')!;
    expect(sent.body.input).toMatchObject({ prompt: 'waves at dawn', duration: 4, resolution: '720p' });
  });

  it('a fal image-to-video endpoint imported by name starts from the parent image and finishes', async () => {
    const model = await admin.post('/api/models/import', { provider_id: providers.fal, name: 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video' }).ok(201);
    expect(model).toMatchObject({ model_type: 'VIDEO', input_type: 'IMAGE', request_schema: { image_url: '{{image_url}}' } });
    expect(model.parameters_schema.cfg_scale).toMatchObject({ type: 'number', min: 0, max: 1, default: 0.5 });

    const box = await admin.createBox('Imported fal');
    const local = (await admin.get<{ items: ModelDto[] }>('/api/models').ok()).items.find((m) => m.slug === 'local-image')!;
    const parent = await admin.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: 'a still', ai_model_id: local.id }).ok(202);
    expect((await admin.settled(parent.id)).status).toBe('COMPLETED');
    const asset = await admin.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: 'it comes alive', ai_model_id: model.id, parent_asset_id: parent.id, generation_config: { duration: '10' } }).ok(202);
    expect(await admin.settled(asset.id, 60_000)).toMatchObject({ status: 'COMPLETED', mime_type: expect.stringMatching(/^video\//) });
    const sent = [...fal.requests.values()].find((r) => r.endpoint === 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video')!;
    expect(sent.input).toMatchObject({ prompt: 'it comes alive', duration: '10', image_url: expect.stringMatching(/^http/) });
  });

  it('importing the same name again makes a second row the admin can tell apart', async () => {
    const again = await admin.post('/api/models/import', { provider_id: providers.replicate, name: 'google/veo-3.1-fast' }).ok(201);
    expect(again.slug).toBe('replicate-google-veo-3-1-fast-2');
  });

  it('an unknown name is a 404, a non-schema provider or a malformed name a 400, a non-admin a 403; none creates a row', async () => {
    const count = async () => (await admin.get<{ items: ModelDto[] }>('/api/models?all=1').ok()).items.length;
    const before = await count();
    expect((await admin.post('/api/models/import', { provider_id: providers.replicate, name: 'nobody/nothing' })).status).toBe(404);
    const kie = await admin.post('/api/models/import', { provider_id: providers.kie, name: 'bytedance/seedance-1.5-pro' });
    expect(kie.status).toBe(400);
    expect(JSON.stringify(kie.body)).toMatch(/Replicate's and fal's/);
    const bad = await admin.post('/api/models/import', { provider_id: providers.fal, name: 'no slash' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/name: /);
    const user = await gb.newUser();
    expect((await user.post('/api/models/import', { provider_id: providers.replicate, name: 'google/veo-3.1' })).status).toBe(403);
    expect(await count()).toBe(before);
  });
});
