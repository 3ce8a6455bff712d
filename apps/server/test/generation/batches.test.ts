import type { AssetDto, BatchDto, BoxDto, CancelBatchResult } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplicateSim, startReplicateSim } from '../../../../test/simulators/replicate.sim.js';
import { ADMIN, loginAdmin, registerModel } from '../faults/fault-kit.js';
import { type TestGenbox, type UserClient, pngBytes, startTestGenbox } from '../harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a batch is named by the server and stands in the queue (no worker: everything waits)', () => {
  let gb: TestGenbox;
  let ann: UserClient;
  let ben: UserClient;
  let annBox: BoxDto;
  let benBox: BoxDto;
  let image: string;

  beforeAll(async () => {
    gb = await startTestGenbox({ ROLE: 'api' });
    [ann, ben] = [await gb.newUser('ann'), await gb.newUser('ben')];
    [annBox, benBox] = [await ann.createBox('Ann'), await ben.createBox('Ben')];
    image = (await ann.model('local-image')).id;
  });
  afterAll(() => gb?.stop());

  const generate = async (user: UserClient, box: BoxDto, body: Record<string, unknown>) => user.post(`/api/boxes/${box.id}/generate`, { prompt: 'a heron in reeds', ai_model_id: image, ...body }).ok(202);
  const batchOf = (user: UserClient, box: BoxDto, id: string) => user.get<BatchDto>(`/api/boxes/${box.id}/batches/${id}`).ok();

  it('every asset of one count > 1 call shares a batch id; single runs and uploads have none; the list filters by it', async () => {
    const first = (await generate(ann, annBox, { count: 3 })).items as AssetDto[];
    const second = (await generate(ann, annBox, { count: 2 })).items as AssetDto[];
    const single = await generate(ann, annBox, {});
    const upload = await ann.upload(annBox.id, await pngBytes()).ok(201);

    expect(new Set(first.map((a) => a.batch_id)).size).toBe(1);
    expect(first[0]!.batch_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(second[0]!.batch_id).not.toBe(first[0]!.batch_id);
    expect(single.batch_id).toBeNull();
    expect(upload.batch_id).toBeNull();
    // the same id as every later read gives it
    expect((await ann.get<AssetDto>(`/api/assets/${first[1]!.id}`).ok()).batch_id).toBe(first[0]!.batch_id);

    const page = await ann.get(`/api/boxes/${annBox.id}/assets?batch_id=${first[0]!.batch_id}`).ok();
    expect(page.items.map((a: AssetDto) => a.id).sort()).toEqual(first.map((a) => a.id).sort());
    expect(page.total).toBe(3);
    const bad = await ann.get(`/api/boxes/${annBox.id}/assets?batch_id=not-an-id`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/batch_id/);

    const batch = await batchOf(ann, annBox, first[0]!.batch_id!);
    expect(batch).toMatchObject({ id: first[0]!.batch_id, box_id: annBox.id, total: 3, counts: { PENDING: 3, PROCESSING: 0, COMPLETED: 0, FAILED: 0, CANCELED: 0 }, box_paused: false });
  });

  it('the position counts the waiting work of every box ahead of the batch: priority first, then age; a paused box counts for nothing', async () => {
    // an empty queue to start from: the earlier test's generations are canceled
    for (const a of (await ann.get(`/api/boxes/${annBox.id}/assets?status=PENDING`).ok()).items as AssetDto[]) await ann.post(`/api/assets/${a.id}/cancel`).ok(200);
    const x = ((await generate(ann, annBox, { count: 3 })).items as AssetDto[])[0]!.batch_id!;
    const y = ((await generate(ben, benBox, { count: 2 })).items as AssetDto[])[0]!.batch_id!;
    expect((await batchOf(ann, annBox, x)).queue_position).toBe(1);
    expect((await batchOf(ben, benBox, y)).queue_position).toBe(4); // Ann's three are ahead, in another box

    // a prioritized batch goes before every unprioritized one
    const z = ((await generate(ben, benBox, { count: 2, priority: 1 })).items as AssetDto[])[0]!.batch_id!;
    expect((await batchOf(ben, benBox, z)).queue_position).toBe(1);
    expect((await batchOf(ann, annBox, x)).queue_position).toBe(3);
    expect((await batchOf(ben, benBox, y)).queue_position).toBe(6);

    // Ann pauses her box: her batch waits for the resume, and stops counting ahead of Ben's
    await ann.post(`/api/boxes/${annBox.id}/pause`).ok(200);
    expect(await batchOf(ann, annBox, x)).toMatchObject({ queue_position: null, box_paused: true, counts: { PENDING: 3 } });
    expect((await batchOf(ben, benBox, y)).queue_position).toBe(3);

    // canceling the batch's first waiting asset moves its position to the next one's
    const [firstOfZ] = (await ben.get(`/api/boxes/${benBox.id}/assets?batch_id=${z}&sort=oldest`).ok()).items as AssetDto[];
    await ben.post(`/api/assets/${firstOfZ!.id}/cancel`).ok(200);
    expect((await batchOf(ben, benBox, z)).queue_position).toBe(1);
    expect((await batchOf(ben, benBox, y)).queue_position).toBe(2);
  });

  it('a batch with nothing waiting has no position; a batch of another box, an unknown or malformed id is not found', async () => {
    const b = ((await generate(ben, benBox, { count: 2 })).items as AssetDto[])[0]!.batch_id!;
    const done = await ben.post<CancelBatchResult>(`/api/boxes/${benBox.id}/batches/${b}/cancel`).ok(200);
    expect(done.batch).toMatchObject({ queue_position: null, counts: { CANCELED: 2, PENDING: 0 } });
    // Ann's box does not hold Ben's batch, whatever its id
    expect((await ann.get(`/api/boxes/${annBox.id}/batches/${b}`)).status).toBe(404);
    expect((await ann.post(`/api/boxes/${annBox.id}/batches/${b}/cancel`)).status).toBe(404);
    expect((await ben.get(`/api/boxes/${benBox.id}/batches/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    const malformed = await ben.get(`/api/boxes/${benBox.id}/batches/not-an-id`);
    expect(malformed.status).toBe(404);
    expect(malformed.body.message).toBe('Batch not found');
  });
});

describe('cancel all: the batch stops at the provider too, finished work stays', () => {
  let gb: TestGenbox;
  let sim: ReplicateSim;
  let admin: UserClient;
  let viewer: UserClient;
  let outsider: UserClient;
  let box: BoxDto;
  let model: string;

  beforeAll(async () => {
    sim = await startReplicateSim({ secondMs: 20 });
    gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
    admin = await loginAdmin(gb);
    [viewer, outsider] = [await gb.newUser('viewer'), await gb.newUser('outsider')];
    box = await admin.createBox('Batch');
    await admin.post(`/api/boxes/${box.id}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
    // one prediction at a time: the batch's assets run one after the other, the last ones wait PENDING
    model = await registerModel(admin, {
      kind: 'replicate', baseUrl: `${sim.url}/v1`, apiKey: sim.apiKey, slug: 'replicate-batch', apiEndpoint: 'black-forest-labs/flux-schnell',
      responseMapping: { poll: { interval_ms: 100 } }, provider: { max_concurrency: 1 },
    });
  }, 60_000);
  afterAll(async () => {
    await gb?.stop();
    await sim?.close();
  });

  it('cancels the running prediction and the waiting assets, leaves the finished ones, and a second cancel changes nothing', async () => {
    // two quick predictions, then one that would run for a minute
    sim.scripts.push(
      { steps: [{ phase: 'running', polls: 1 }], outcome: 'succeeded' },
      { steps: [{ phase: 'running', polls: 1 }], outcome: 'succeeded' },
      { steps: [{ phase: 'running', ms: 60_000 }], outcome: 'succeeded' },
    );
    const { items } = await admin.post(`/api/boxes/${box.id}/generate`, { prompt: 'a slow tide', ai_model_id: model, count: 4 }).ok(202);
    const batchId = (items as AssetDto[])[0]!.batch_id!;
    const batchUrl = `/api/boxes/${box.id}/batches/${batchId}`;

    let batch: BatchDto = await admin.get(batchUrl).ok();
    for (let i = 0; i < 300 && !(batch.counts.COMPLETED === 2 && batch.counts.PROCESSING === 1 && sim.predictions.size === 3); i++) {
      await sleep(50);
      batch = await admin.get(batchUrl).ok();
    }
    expect(batch.counts).toEqual({ PENDING: 1, PROCESSING: 1, COMPLETED: 2, FAILED: 0, CANCELED: 0 });
    let running = (await admin.get(`/api/boxes/${box.id}/assets?batch_id=${batchId}&status=PROCESSING`).ok()).items[0] as AssetDto;
    for (let i = 0; i < 100 && !running.external_task_id; i++) {
      await sleep(50);
      running = await admin.get<AssetDto>(`/api/assets/${running.id}`).ok();
    }
    expect(running.external_task_id).toBeTruthy();
    const completedBefore = (await admin.get(`/api/boxes/${box.id}/assets?batch_id=${batchId}&status=COMPLETED`).ok()).items as AssetDto[];

    // a viewer may read the batch but not cancel it; an outsider learns nothing
    expect((await viewer.get(batchUrl).ok()).counts.PROCESSING).toBe(1);
    const refused = await viewer.post(`${batchUrl}/cancel`);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/viewer/);
    expect((await outsider.get(batchUrl)).status).toBe(404);
    expect((await outsider.post(`${batchUrl}/cancel`)).status).toBe(404);
    expect((await admin.get(batchUrl).ok()).counts).toMatchObject({ PENDING: 1, PROCESSING: 1 });

    const result = await admin.post<CancelBatchResult>(`${batchUrl}/cancel`).ok(200);
    expect(result.canceled.map((a) => a.status)).toEqual(['CANCELED', 'CANCELED']);
    expect(result.canceled.map((a) => a.id)).toContain(running.id);
    expect(result.batch).toMatchObject({ total: 4, counts: { PENDING: 0, PROCESSING: 0, COMPLETED: 2, CANCELED: 2 }, queue_position: null });
    // the provider was told: the prediction is canceled there
    const prediction = sim.predictions.get(running.external_task_id!);
    expect(prediction?.task.peek()).toBe('canceled');

    // the finished ones are as they were, files and all
    const completedAfter = (await admin.get(`/api/boxes/${box.id}/assets?batch_id=${batchId}&status=COMPLETED`).ok()).items as AssetDto[];
    expect(completedAfter.map((a) => [a.id, a.updated_at, a.mime_type])).toEqual(completedBefore.map((a) => [a.id, a.updated_at, a.mime_type]));

    // again: nothing left to cancel, nothing changes
    const seqBefore = (await admin.get(`/api/boxes/${box.id}`).ok()).seq;
    const again = await admin.post<CancelBatchResult>(`${batchUrl}/cancel`).ok(200);
    expect(again).toEqual({ canceled: [], batch: result.batch });
    expect((await admin.get(`/api/boxes/${box.id}`).ok()).seq).toBe(seqBefore);

    // the waiting asset was never sent: still three predictions, and every canceled asset stays so
    await sleep(1000);
    expect(sim.predictions.size).toBe(3);
    expect((await admin.get(batchUrl).ok()).counts).toEqual({ PENDING: 0, PROCESSING: 0, COMPLETED: 2, FAILED: 0, CANCELED: 2 });
    const events = await gb.sql(`SELECT e.to_status, e.detail FROM asset_events e JOIN assets a ON a.id = e.asset_id WHERE a.batch_id = $1 AND e.to_status = 'CANCELED'`, [batchId]);
    expect(events.map((e) => e.detail)).toEqual([{ by: expect.any(String), batch: batchId }, { by: expect.any(String), batch: batchId }]);
  }, 60_000);
});
