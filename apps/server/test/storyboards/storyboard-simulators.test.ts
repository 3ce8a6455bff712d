import { join } from 'node:path';
import type { CreditsDto, StoryboardDto } from '@genbox/contracts';
import { loadCatalog } from '@genbox/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../../test/simulators/kie.sim.js';
import { type OpenAISimulator, startOpenAISimulator } from '../../../../test/simulators/openai.sim.js';
import { type ReplicateSim, startReplicateSim } from '../../../../test/simulators/replicate.sim.js';
import { sceneWriter } from '../../../../test/support/scene-writer.js';
import { ADMIN, loginAdmin } from '../faults/fault-kit.js';
import { type TestGenbox, type UserClient, pngBytes, startTestGenbox } from '../harness.js';
import { probe, storedBytes, storyboardSettled, timeline } from './storyboard-kit.js';

/** The catalog's own row for a model, registered on a provider pointed at a simulator. */
async function catalogModel(admin: UserClient, providerId: string, slug: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const row = loadCatalog().models.find((m) => m.slug === slug)!;
  const { provider: _p, notes: _n, ...fields } = row;
  return (await admin.post('/api/models', { ...fields, provider_id: providerId, slug: `${slug}-sb`, ...overrides }).ok(201)).id;
}

/** The bytes a provider fetches from an input URL it was sent. */
async function fetched(url: string): Promise<Buffer> {
  const r = await fetch(url);
  expect(r.status).toBe(200);
  return Buffer.from(await r.arrayBuffer());
}

describe('storyboards on the provider simulators', () => {
  let gb: TestGenbox;
  let admin: UserClient;
  let openai: OpenAISimulator;
  let replicate: ReplicateSim;
  let kie: KieSim;
  let planner: { provider_id: string; model: string };
  let boxId: string;

  beforeAll(async () => {
    [gb, openai, replicate, kie] = await Promise.all([
      startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }),
      startOpenAISimulator(), startReplicateSim(), startKieSim(),
    ]);
    admin = await loginAdmin(gb);
    await admin.post('/api/admin/credits', { user_id: admin.id, amount: 1000 }).ok(201);
    const oa = await admin.post('/api/providers', { name: 'OpenAI', kind: 'openai', base_url: openai.apiUrl, api_key: openai.apiKey, allow_private_network: true }).ok(201);
    planner = { provider_id: oa.id, model: 'gpt-4o-mini' };
    boxId = (await admin.createBox('Sim films')).id;
  });
  afterAll(async () => {
    await gb?.stop();
    await Promise.all([openai?.close(), replicate?.close(), kie?.close()]);
  });

  it('OpenAI plans, Veo 3.1 on Replicate films: each scene after the first gets the stored last frame as its image', async () => {
    const rp = await admin.post('/api/providers', { name: 'Replicate', kind: 'replicate', base_url: `${replicate.url}/v1`, api_key: replicate.apiKey, allow_private_network: true }).ok(201);
    const veo = await catalogModel(admin, rp.id, 'replicate-veo-3-1-fast', { response_mapping: { poll: { interval_ms: 50 } } });
    openai.queueChat(sceneWriter, sceneWriter);
    const planned = await admin.post<StoryboardDto>(`/api/boxes/${boxId}/storyboards`, { prompt: 'A knight crosses a misty bridge at dawn.', ai_model_id: veo, scenes: 3, generation_config: { duration: 4, resolution: '720p' }, planner }).ok(201);
    expect(planned.planner).toBe('OpenAI: gpt-4o-mini');
    expect(planned.scenes.map((s) => s.prompt)).toEqual(['Consistent: shot 1 of the idea', 'Consistent: shot 2 of the idea', 'Consistent: shot 3 of the idea']);
    expect(planned.cost).toEqual({ estimated: 120, so_far: 0 });
    const before = await admin.get<CreditsDto>('/api/credits').ok();

    await admin.post(`/api/storyboards/${planned.id}/run`).ok(202);
    const sb = await storyboardSettled(admin, planned.id);
    expect(sb.status, sb.error_message ?? '').toBe('COMPLETED');
    expect(sb.cost.so_far).toBe(120);

    const sent = [...replicate.predictions.values()].filter((p) => p.model === 'google/veo-3.1-fast').sort((a, b) => a.createdAt - b.createdAt);
    expect(sent).toHaveLength(3); // each scene sent once
    const inputs = sent.map((p) => p.body.input as Record<string, unknown>);
    expect(inputs.map((i) => i.prompt)).toEqual(sb.scenes.map((s) => s.prompt));
    expect(inputs[0]!.image).toBeUndefined(); // scene 1: text to video
    for (let k = 0; k < 2; k++) {
      expect(await fetched(String(inputs[k + 1]!.image))).toEqual(await storedBytes(gb, sb.scenes[k]!.frame_asset_id!));
    }
    expect(inputs.every((i) => i.duration === 4 && i.resolution === '720p')).toBe(true);

    const film = await admin.get(`/api/assets/${sb.final_asset_id}`).ok();
    const [row] = await gb.sql<{ storage_key: string }>('SELECT storage_key FROM assets WHERE id = $1', [sb.final_asset_id]);
    const clips = await Promise.all(sb.scenes.map(async (s) => (await gb.sql<{ duration_s: number }>('SELECT duration_s FROM assets WHERE id = $1', [s.asset_id]))[0]!.duration_s));
    const measured = await probe(join(gb.dataDir, row!.storage_key));
    expect(Math.abs(measured.durationS - clips.reduce((a, b) => a + b, 0))).toBeLessThanOrEqual(1 / measured.fps + 0.01);
    expect(film.thumbnail_url).toBeTruthy();
    // credits: each scene held its price as it started and captured it when it finished
    const after = await admin.get<CreditsDto>('/api/credits').ok();
    expect(before.balance - after.balance).toBe(120);
    expect(after.held).toBe(0);
    console.log(`[storyboards] Replicate Veo 3.1 run:\n${(await timeline(gb, sb)).join('\n')}`);
  }, 120_000);

  it('Seedance on Kie animates a chosen image, then each last frame', async () => {
    const kp = await admin.post('/api/providers', { name: 'Kie', kind: 'kie', base_url: kie.url, api_key: kie.apiKey, allow_private_network: true }).ok(201);
    const seedance = await catalogModel(admin, kp.id, 'kie-seedance-1-5-pro', { response_mapping: { poll: { interval_ms: 50 } } });
    const start = await admin.upload(boxId, await pngBytes(320, 180), 'start.png').ok(201);
    const planned = await admin.post<StoryboardDto>(`/api/boxes/${boxId}/storyboards`, { prompt: 'A lantern floats over a dark lake. It lands on the far shore.', ai_model_id: seedance, scenes: 2, image_asset_id: start.id, generation_config: { duration: '4' } }).ok(201);
    await admin.post(`/api/storyboards/${planned.id}/run`).ok(202);
    const sb = await storyboardSettled(admin, planned.id);
    expect(sb.status, sb.error_message ?? '').toBe('COMPLETED');
    const sent = [...kie.tasks.values()].filter((t) => t.body.model === 'bytedance/seedance-1.5-pro').sort((a, b) => a.createdAt - b.createdAt);
    expect(sent).toHaveLength(2);
    const urls = sent.map((t) => ((t.body.input as { input_urls: string[] }).input_urls)[0]!);
    expect(await fetched(urls[0]!)).toEqual(await storedBytes(gb, start.id));
    expect(await fetched(urls[1]!)).toEqual(await storedBytes(gb, sb.scenes[0]!.frame_asset_id!));
    expect((await admin.get(`/api/assets/${sb.scenes[0]!.asset_id}`).ok()).parent_asset_id).toBe(start.id);
  }, 120_000);

  it('a planner that answers the wrong number of scenes is a 502 naming it; the storyboard stays FAILED with the reason, nothing paid for', async () => {
    const rp = (await admin.get<{ items: { id: string; kind: string }[] }>('/api/providers').ok()).items.find((p) => p.kind === 'replicate')!;
    const veo = (await gb.sql<{ id: string }>('SELECT id FROM ai_models WHERE provider_id = $1', [rp.id]))[0]!.id;
    openai.queueChat(() => ({ content: { scenes: [{ prompt: 'just one' }] } }));
    const before = await admin.get<CreditsDto>('/api/credits').ok();
    const r = await admin.post(`/api/boxes/${boxId}/storyboards`, { prompt: 'One scene too few', ai_model_id: veo, scenes: 2, planner });
    expect(r.status).toBe(502);
    expect(r.body.message).toMatch(/answered 1 scenes, 2 were asked for/);
    const [failed] = await gb.sql<{ status: string; error_message: string }>(`SELECT status, error_message FROM storyboards WHERE prompt = 'One scene too few'`);
    expect(failed).toMatchObject({ status: 'FAILED', error_message: expect.stringMatching(/answered 1 scenes, 2 were asked for/) });
    expect((await admin.get<CreditsDto>('/api/credits').ok()).balance).toBe(before.balance);
    const count = await gb.sql('SELECT count(*)::int AS n FROM storyboards');
    const local = await admin.post(`/api/boxes/${boxId}/storyboards`, { prompt: 'x', ai_model_id: veo, scenes: 2, planner: { provider_id: rp.id, model: 'gpt-4o' } });
    expect(local.status).toBe(422);
    expect(local.body.message).toMatch(/planner.provider_id: Replicate is a replicate provider/);
    expect(await gb.sql('SELECT count(*)::int AS n FROM storyboards')).toEqual(count); // a refused planner creates nothing
  });
});
