import type { AssetDto, StoryboardDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../../test/simulators/kie.sim.js';
import { QUICK_SUCCESS } from '../../../../test/simulators/shared/index.js';
import { ADMIN, loginAdmin } from '../faults/fault-kit.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';
import { kieSeedance, startImage, storyboardSettled } from './storyboard-kit.js';

describe('a failed scene stops what follows; retrying it re-runs only it and its successors', () => {
  let gb: TestGenbox;
  let admin: UserClient;
  /** A viewer of the box: reads failures as members do. */
  let viewer: UserClient;
  let sim: KieSim;
  let model: string;
  let boxId: string;
  /** Seedance animates an image: scene 1 starts from this one. */
  let image: string;

  beforeAll(async () => {
    [gb, sim] = await Promise.all([startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }), startKieSim()]);
    admin = await loginAdmin(gb);
    await admin.post('/api/admin/credits', { user_id: admin.id, amount: 1000 }).ok(201);
    model = await kieSeedance(admin, sim, 'seedance-retry');
    await gb.sql('UPDATE ai_models SET cost = 10 WHERE id = $1', [model]);
    boxId = (await admin.createBox('Retries')).id;
    viewer = await gb.newUser('viewer');
    await admin.post(`/api/boxes/${boxId}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
    image = await startImage(admin, boxId);
  });
  afterAll(async () => {
    await gb?.stop();
    await sim?.close();
  });

  const sceneAssets = () => gb.sql<{ id: string; prompt: string; parent_asset_id: string | null; status: string }>(
    `SELECT id, prompt, parent_asset_id, status FROM assets WHERE box_id = $1 AND model_id IS NOT NULL ORDER BY created_at`, [boxId]);

  it('scene 2 fails: the storyboard says why, scene 3 never starts; an edited retry of scene 2 leaves scene 1 alone', async () => {
    sim.scripts.push(QUICK_SUCCESS, { ...QUICK_SUCCESS, outcome: 'failed', failMessage: 'The content could not be generated' });
    const planned = await admin.post<StoryboardDto>(`/api/boxes/${boxId}/storyboards`, { prompt: 'A kite rises. It tangles in a tree. A child frees it.', ai_model_id: model, scenes: 3, image_asset_id: image }).ok(201);
    await admin.post(`/api/storyboards/${planned.id}/run`).ok(202);
    const failed = await storyboardSettled(admin, planned.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.error_message).toMatch(/^Scene 2 failed: .*The content could not be generated.*\. Scene 3 did not start\. Edit it and retry it to carry on\.$/);
    expect(failed.scenes.map((s) => s.status)).toEqual(['COMPLETED', 'FAILED', 'PLANNED']);
    // a member reads what happened and what to do, never the provider's words; the scene says so too, as its card does
    const asViewer = await viewer.get<StoryboardDto>(`/api/storyboards/${planned.id}`).ok();
    const card = await viewer.get<AssetDto>(`/api/assets/${failed.scenes[1]!.asset_id}`).ok();
    expect(asViewer.error_message).toBeNull();
    expect(asViewer.failure).toEqual({ message: expect.stringMatching(/^Scene 2 failed\. .+ Scene 3 did not start\. Re-run from scene 2 to carry on\.$/), fixed_by: card.failure!.fixed_by, retry_helps: card.failure!.retry_helps });
    expect(asViewer.failure!.message).toContain(card.failure!.message.replace(' (Remix)', ''));
    expect(asViewer.scenes[1]!.failure).toEqual(card.failure);
    expect(JSON.stringify(asViewer)).not.toContain('The content could not be generated');
    expect(failed.final_asset_id).toBeNull();
    expect(failed.cost.so_far).toBe(10);
    const firstRun = await sceneAssets();
    expect(firstRun).toHaveLength(2);
    // editing the plan is over once it ran; a scene can be retried only once the storyboard stopped
    expect((await admin.patch(`/api/storyboards/${planned.id}`, { scenes: [{ prompt: 'x' }] })).status).toBe(409);
    expect((await admin.post(`/api/storyboards/${planned.id}/scenes/7/retry`, {})).status).toBe(404);
    expect((await admin.post(`/api/storyboards/${planned.id}/scenes/2/retry`, {})).status).toBe(409); // scene 2 is not finished

    const retried = await admin.post<StoryboardDto>(`/api/storyboards/${planned.id}/scenes/1/retry`, { prompt: 'The kite tangles in an oak tree, gently.' }).ok(202);
    expect(retried.status).toBe('RUNNING');
    expect((await admin.post(`/api/storyboards/${planned.id}/scenes/1/retry`, {})).status).toBe(409); // running
    const done = await storyboardSettled(admin, planned.id);
    expect(done.status, done.error_message ?? '').toBe('COMPLETED');

    const all = await sceneAssets();
    expect(all).toHaveLength(4); // scene 1 once, scene 2 twice, scene 3 once
    expect(done.scenes[0]!.asset_id).toBe(failed.scenes[0]!.asset_id); // never paid for twice
    expect(done.scenes[0]!.frame_asset_id).toBe(failed.scenes[0]!.frame_asset_id);
    expect(done.scenes[1]!.asset_id).not.toBe(failed.scenes[1]!.asset_id);
    expect(done.scenes[1]!.prompt).toBe('The kite tangles in an oak tree, gently.');
    const scene2 = await admin.get<AssetDto>(`/api/assets/${done.scenes[1]!.asset_id}`).ok();
    expect(scene2.prompt).toBe('The kite tangles in an oak tree, gently.');
    expect(scene2.parent_asset_id).toBe(done.scenes[0]!.frame_asset_id);
    expect(done.cost.so_far).toBe(30);

    // a finished storyboard retried from its last scene re-runs that scene only, and stitches again
    const again = await admin.post<StoryboardDto>(`/api/storyboards/${planned.id}/scenes/2/retry`, {}).ok(202);
    expect(again.scenes.slice(0, 2).map((s) => s.asset_id)).toEqual(done.scenes.slice(0, 2).map((s) => s.asset_id));
    const final = await storyboardSettled(admin, planned.id);
    expect(final.status).toBe('COMPLETED');
    expect(await sceneAssets()).toHaveLength(5);
    expect(final.final_asset_id).not.toBe(done.final_asset_id);
    expect(final.cost.so_far).toBe(40); // the replaced scene 3 still counts: it was paid for
    expect([...sim.tasks.values()].length).toBe(5);
  }, 120_000);

  it('cancel stops the running scene and starts nothing after it', async () => {
    sim.scripts.push({ steps: [{ phase: 'running', ms: 60_000 }], outcome: 'succeeded' });
    const planned = await admin.post<StoryboardDto>(`/api/boxes/${boxId}/storyboards`, { prompt: 'A slow sunrise over hills.', ai_model_id: model, scenes: 2, image_asset_id: image }).ok(201);
    await admin.post(`/api/storyboards/${planned.id}/run`).ok(202);
    let running = planned;
    for (const end = Date.now() + 20_000; running.scenes[0]!.status !== 'PROCESSING' && Date.now() < end;) {
      await new Promise((r) => setTimeout(r, 100));
      running = await admin.get<StoryboardDto>(`/api/storyboards/${planned.id}`).ok();
    }
    expect(running.status).toBe('RUNNING');
    expect(running.scenes[0]!.status).toBe('PROCESSING');
    const canceled = await admin.post<StoryboardDto>(`/api/storyboards/${planned.id}/cancel`).ok();
    expect(canceled.status).toBe('CANCELED');
    const sb = await admin.get<StoryboardDto>(`/api/storyboards/${planned.id}`).ok();
    expect(sb.scenes.map((s) => s.status)).toEqual(['CANCELED', 'PLANNED']);
    await new Promise((r) => setTimeout(r, 1500)); // a few sweeps: nothing moves any more
    expect((await admin.get<StoryboardDto>(`/api/storyboards/${planned.id}`).ok()).scenes[1]!.asset_id).toBeNull();
    expect((await admin.post(`/api/storyboards/${planned.id}/cancel`)).status).toBe(409);
  }, 60_000);

  it('credits: the run is refused (402) when the balance cannot pay every scene; a balance gone mid-run stops the next scene with the reason', async () => {
    const carol = await gb.newUser('carol');
    await admin.post(`/api/boxes/${boxId}/members`, { email: carol.email, role: 'editor' }).ok(201);
    const planned = await carol.post<StoryboardDto>(`/api/boxes/${boxId}/storyboards`, { prompt: 'A moth finds a lamp. It circles the light.', ai_model_id: model, scenes: 2, image_asset_id: image }).ok(201);
    await admin.post('/api/admin/credits', { user_id: carol.id, amount: 15 }).ok(201);
    const short = await carol.post(`/api/storyboards/${planned.id}/run`);
    expect(short.status).toBe(402);
    expect(short.body.message).toMatch(/costs 20 and the balance is 15/);
    expect((await carol.get<StoryboardDto>(`/api/storyboards/${planned.id}`).ok()).status).toBe('PLANNED');

    await admin.post('/api/admin/credits', { user_id: carol.id, amount: 5 }).ok(201);
    sim.scripts.push({ steps: [{ phase: 'running', ms: 2500 }], outcome: 'succeeded' });
    await carol.post(`/api/storyboards/${planned.id}/run`).ok(202);
    // scene 1 holds its 10 as it starts; then 10 of the 20 are taken back while it runs
    for (const end = Date.now() + 20_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
      if ((await carol.get<StoryboardDto>(`/api/storyboards/${planned.id}`).ok()).scenes[0]!.asset_id) break;
    }
    expect((await carol.get<{ balance: number; held: number }>('/api/credits').ok())).toMatchObject({ balance: 10, held: 10 });
    await admin.post('/api/admin/credits', { user_id: carol.id, amount: -10 }).ok(201);
    const sb = await storyboardSettled(carol, planned.id);
    expect(sb.status).toBe('FAILED');
    expect(sb.failure).toMatchObject({ message: expect.stringMatching(/^Scene 2 could not start: Not enough credits: this costs 10 and the balance is 0\..*once credits are granted/), fixed_by: 'admin' });
    expect(sb.error_message).toBeNull(); // carol is no admin
    expect(sb.scenes.map((s) => s.status)).toEqual(['COMPLETED', 'PLANNED']);
    expect((await carol.get<{ balance: number; held: number }>('/api/credits').ok())).toMatchObject({ balance: 0, held: 0 });
  }, 60_000);
});
