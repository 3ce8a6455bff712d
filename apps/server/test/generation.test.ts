import sharp from 'sharp';
import type { AssetDto, BoxDto, ModelDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAISimulator, startOpenAISimulator } from '../../../test/simulators/openai.sim.js';
import { type TestGenbox, UserClient, startTestGenbox } from './harness.js';

const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };

/** The asset's history as "FROM>TO" strings, oldest first. */
async function history(gb: TestGenbox, assetId: string): Promise<string[]> {
  const rows = await gb.sql<{ from_status: string | null; to_status: string }>('SELECT from_status, to_status FROM asset_events WHERE asset_id = $1 ORDER BY id', [assetId]);
  return rows.map((r) => `${r.from_status ?? ''}>${r.to_status}`);
}

/** What a refused request must leave untouched: assets, their history and the box's event counter. */
async function footprint(gb: TestGenbox, boxId: string) {
  const [row] = await gb.sql(
    `SELECT (SELECT count(*)::int FROM assets) AS assets, (SELECT count(*)::int FROM asset_events) AS events,
            (SELECT event_seq::int FROM boxes WHERE id = $1) AS seq`,
    [boxId],
  );
  return row;
}

async function pngOf(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } }).png().toBuffer();
}

describe('generation with the built-in local models', () => {
  let gb: TestGenbox;
  let alice: UserClient;
  let box: BoxDto;
  let image: ModelDto;
  let video: ModelDto;
  let animate: ModelDto;

  beforeAll(async () => {
    gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
    alice = await gb.newUser('alice');
    box = await alice.createBox('Generation');
    [image, video, animate] = await Promise.all(['local-image', 'local-video', 'local-animate'].map((s) => alice.model(s)));
  });
  afterAll(() => gb?.stop());

  const generate = (body: Record<string, unknown>, boxId = box.id, as: UserClient = alice) => as.post(`/api/boxes/${boxId}/generate`, body);

  it('an image is accepted as PENDING and finishes with a stored file of the asked shape and a thumbnail', async () => {
    const started = await generate({ prompt: 'a lighthouse at dusk', ai_model_id: image.id, generation_config: { aspect_ratio: '16:9', seed: 7 } }).ok(202);
    expect(started).toMatchObject({ status: 'PENDING', type: 'IMAGE', source_type: 'GENERATED', box_id: box.id, ai_model_id: image.id, file_url: null, attempts: 1 });
    expect(started.generation_config).toEqual({ aspect_ratio: '16:9', seed: 7 });

    const done = await alice.settled(started.id);
    expect(done).toMatchObject({ status: 'COMPLETED', mime_type: 'image/png', width: 1024, height: 576, error_code: null, progress: 100 });
    expect(done.size_bytes).toBeGreaterThan(1000);
    expect(done.completed_at).not.toBeNull();

    const file = await fetch(done.file_url!);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.length).toBe(done.size_bytes);
    expect(await sharp(bytes).metadata()).toMatchObject({ width: 1024, height: 576, format: 'png' });
    const thumb = await fetch(done.thumbnail_url!);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).format).toBe('webp');

    const [keys] = await gb.sql('SELECT storage_key, thumbnail_key FROM assets WHERE id = $1', [done.id]);
    expect(await gb.storedFiles()).toEqual(expect.arrayContaining([keys.storage_key, keys.thumbnail_key]));
    expect(await history(gb, done.id)).toEqual(['>PENDING', 'PENDING>PROCESSING', 'PROCESSING>COMPLETED']);
  });

  it('a video has its duration, its shape and a poster frame; the fixed frame rate is forced', async () => {
    const started = await generate({ prompt: 'waves', ai_model_id: video.id, generation_config: { aspect_ratio: '9:16', duration: '2', fps: 60 } }).ok(202);
    // "2" matches the option 2; the fixed fps stays 24 whatever was sent
    expect(started.generation_config).toMatchObject({ aspect_ratio: '9:16', duration: 2, fps: 24, motion: 'zoom-in' });
    const done = await alice.settled(started.id);
    expect(done).toMatchObject({ status: 'COMPLETED', type: 'VIDEO', mime_type: 'video/mp4', width: 576, height: 1024 });
    expect(done.duration_s).toBeGreaterThan(1.8);
    expect(done.duration_s).toBeLessThan(2.3);
    expect(done.thumbnail_url).not.toBeNull();
    expect((await fetch(done.thumbnail_url!)).status).toBe(200);
    expect(await history(gb, done.id)).toEqual(['>PENDING', 'PENDING>PROCESSING', 'PROCESSING>COMPLETED']);
  });

  it('an uploaded image is animated into a video of its shape that points back to it', async () => {
    const parent = await alice.upload(box.id, await pngOf(640, 480), 'still.png').ok(201);
    const started = await generate({ prompt: 'slow push in', ai_model_id: animate.id, parent_asset_id: parent.id, generation_config: { duration: 2 } }).ok(202);
    expect(started).toMatchObject({ source_type: 'IMG2VID', type: 'VIDEO', parent_asset_id: parent.id, parent_asset: { id: parent.id, type: 'IMAGE' } });
    const done = await alice.settled(started.id);
    expect(done).toMatchObject({ status: 'COMPLETED', mime_type: 'video/mp4' });
    expect(done.width! / done.height!).toBeCloseTo(4 / 3, 1);
    expect(done.duration_s).toBeGreaterThan(1.8);
  });

  it('count: 3 starts three assets at once, and all three finish', async () => {
    const res = await generate({ prompt: 'three cats', ai_model_id: image.id, count: 3 }).ok(202);
    expect(res.items).toHaveLength(3);
    expect(new Set(res.items.map((a: AssetDto) => a.id)).size).toBe(3);
    expect(res.items.every((a: AssetDto) => a.status === 'PENDING')).toBe(true);
    const done = await Promise.all(res.items.map((a: AssetDto) => alice.settled(a.id)));
    expect(done.map((a) => a.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    // no seed: each run is its own picture
    expect(new Set(done.map((a) => a.size_bytes)).size).toBeGreaterThan(1);
  });

  it('parameters outside the model\'s schema are refused naming generation_config.<field>, and create nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ style: 'noir' }, 'generation_config.style'],
      [{ seed: 'abc' }, 'generation_config.seed'],
      [{ seed: true }, 'generation_config.seed'],
      [{ seed: -1 }, 'generation_config.seed'],
      [{ seed: 2147483648 }, 'generation_config.seed'],
      [{ aspect_ratio: '2:1' }, 'generation_config.aspect_ratio'],
    ];
    const before = await footprint(gb, box.id);
    for (const [config, field] of cases) {
      const res = await generate({ prompt: 'x', ai_model_id: image.id, generation_config: config });
      expect(res.status, JSON.stringify(config)).toBe(422);
      expect(res.body).toMatchObject({ statusCode: 422, error: 'invalid_parameters' });
      expect(res.body.message).toContain(field);
    }
    expect(await footprint(gb, box.id)).toEqual(before);
  });

  it('animating needs a finished image of the same box: missing, foreign or video parents are refused', async () => {
    const other = await alice.createBox('Elsewhere');
    const foreign = await alice.upload(other.id, await pngOf(64, 64), 'f.png').ok(201);
    const clip = await alice.settled((await generate({ prompt: 'clip', ai_model_id: video.id, generation_config: { duration: 2 } }).ok(202)).id);
    expect(clip.status).toBe('COMPLETED');

    const before = await footprint(gb, box.id);
    const missing = await generate({ prompt: 'move', ai_model_id: animate.id });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toContain('parent_asset_id');
    for (const parent of [foreign.id, clip.id, '00000000-0000-4000-8000-000000000000']) {
      const res = await generate({ prompt: 'move', ai_model_id: animate.id, parent_asset_id: parent });
      expect(res.status).toBe(422);
      expect(res.body.message).toContain('parent_asset_id');
    }
    expect(await footprint(gb, box.id)).toEqual(before);
  });

  it('a deactivated model cannot be used, and a viewer or an outsider cannot generate', async () => {
    const admin = await gb.client.post('/api/auth/login', ADMIN).ok();
    const adminClient = new UserClient(gb.url, admin.token, admin.user.id, ADMIN.email, 'admin');
    const local = (await adminClient.get('/api/providers').ok()).items.find((p: { kind: string }) => p.kind === 'local');
    const spare = await adminClient.post('/api/models', {
      provider_id: local.id, name: 'Spare image', slug: 'spare-image', model_type: 'IMAGE', input_type: 'TEXT', parameters_schema: {},
    }).ok(201);
    await adminClient.patch(`/api/models/${spare.id}`, { is_active: false }).ok();
    expect((await alice.get('/api/models').ok()).items.map((m: ModelDto) => m.slug)).not.toContain('spare-image');

    const viewer = await gb.newUser('viewer');
    await alice.post(`/api/boxes/${box.id}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
    const outsider = await gb.newUser('outsider');

    const before = await footprint(gb, box.id);
    const inactive = await generate({ prompt: 'x', ai_model_id: spare.id });
    expect(inactive.status).toBe(422);
    expect(inactive.body.message).toContain('ai_model_id');
    expect((await generate({ prompt: 'x', ai_model_id: image.id }, box.id, viewer)).status).toBe(403);
    expect((await generate({ prompt: 'x', ai_model_id: image.id }, box.id, outsider)).status).toBe(404);
    expect((await generate({ prompt: 'x', ai_model_id: 'not-a-model' })).status).toBe(400);
    expect((await generate({ prompt: '', ai_model_id: image.id })).status).toBe(400);
    expect((await generate({ prompt: 'x', ai_model_id: image.id, count: 9 })).status).toBe(400);
    expect(await footprint(gb, box.id)).toEqual(before);
  });
});

describe('generation through a provider adapter (OpenAI simulator)', () => {
  const KEY = 'sk-genbox-test-QXZJ98765';
  const WRONG_KEY = 'sk-wrong-key-VBNM43210';
  let gb: TestGenbox;
  let sim: OpenAISimulator;
  let admin: UserClient;
  let box: BoxDto;
  let goodModel: string;
  let badKeyModel: string;

  beforeAll(async () => {
    [gb, sim] = await Promise.all([
      startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }),
      startOpenAISimulator({ apiKey: KEY }),
    ]);
    const login = await gb.client.post('/api/auth/login', ADMIN).ok();
    admin = new UserClient(gb.url, login.token, login.user.id, ADMIN.email, 'admin');
    box = await admin.createBox('Provider box');
    const model = async (providerName: string, key: string, slug: string) => {
      const p = await admin.post('/api/providers', { name: providerName, kind: 'openai', base_url: sim.apiUrl, api_key: key, allow_private_network: true }).ok(201);
      const m = await admin.post('/api/models', {
        provider_id: p.id, name: slug, slug, model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'gpt-image-1',
        parameters_schema: { size: { type: 'select', options: ['1024x1024', '1536x1024'], default: '1024x1024' } },
      }).ok(201);
      return m.id as string;
    };
    goodModel = await model('OpenAI sim', KEY, 'sim-gpt-image');
    badKeyModel = await model('OpenAI sim, wrong key', WRONG_KEY, 'sim-gpt-image-bad-key');
  });
  afterAll(async () => {
    await gb?.stop();
    await sim?.close();
  });

  const generate = (model: string, config: Record<string, unknown> = {}) => admin.post(`/api/boxes/${box.id}/generate`, { prompt: 'a red fox', ai_model_id: model, generation_config: config }).ok(202);

  it('the API key is encrypted at rest and never returned, only has_api_key', async () => {
    const list = await admin.get('/api/providers').ok();
    expect(JSON.stringify(list)).not.toContain(KEY);
    expect(list.items.find((p: { name: string }) => p.name === 'OpenAI sim')).toMatchObject({ has_api_key: true, kind: 'openai' });
    const rows = await gb.sql(`SELECT row_to_json(p)::text AS json, api_key_encrypted FROM ai_providers p WHERE name = 'OpenAI sim'`);
    expect(rows[0].json).not.toContain(KEY);
    expect(rows[0].json).not.toContain('QXZJ98765');
    expect(rows[0].api_key_encrypted).toMatch(/^v1:/);
  });

  it('the provider\'s image comes back as bytes and is stored with its size', async () => {
    const done = await admin.settled((await generate(goodModel, { size: '1536x1024' })).id);
    expect(done).toMatchObject({ status: 'COMPLETED', mime_type: 'image/png', width: 64, height: 64 });
    const file = await fetch(done.file_url!);
    expect(Buffer.from(await file.arrayBuffer()).length).toBe(done.size_bytes);
    const sent = sim.received.at(-1)!;
    expect(sent.fields).toMatchObject({ model: 'gpt-image-1', prompt: 'a red fox', size: '1536x1024' });
  });

  it('a refused key fails the asset with the provider\'s reason, and the message never shows the key', async () => {
    const done = await admin.settled((await generate(badKeyModel)).id);
    expect(done.status).toBe('FAILED');
    expect(done.error_code).toBe('provider_auth');
    expect(done.error_message).toContain('Incorrect API key provided');
    expect(done.error_message).not.toContain(WRONG_KEY);
    expect(done.error_message).not.toContain('43210');
    expect(done.file_url).toBeNull();
    const [row] = await gb.sql('SELECT error_message FROM assets WHERE id = $1', [done.id]);
    expect(row.error_message).not.toContain('43210');
    expect(await history(gb, done.id)).toEqual(['>PENDING', 'PENDING>PROCESSING', 'PROCESSING>FAILED']);

    // only editors may retry it; an outsider does not even learn it exists
    const viewer = await gb.newUser('viewer');
    await admin.post(`/api/boxes/${box.id}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
    expect((await viewer.get(`/api/assets/${done.id}`).ok()).status).toBe('FAILED');
    expect((await viewer.post(`/api/assets/${done.id}/retry`)).status).toBe(403);
    await admin.delete(`/api/boxes/${box.id}/members/${viewer.id}`).ok(204);
    expect((await viewer.post(`/api/assets/${done.id}/retry`)).status).toBe(404);
    expect((await viewer.post(`/api/assets/${done.id}/cancel`)).status).toBe(404);
    expect(await history(gb, done.id)).toHaveLength(3);
  });

  it('a content-filtered request fails with the provider\'s words; retrying it starts over and finishes, keeping the history', async () => {
    sim.queueScript({ steps: [], outcome: 'filtered' });
    const failed = await admin.settled((await generate(goodModel)).id);
    expect(failed).toMatchObject({ status: 'FAILED', error_code: 'provider_content_filtered', attempts: 1 });
    expect(failed.error_message).toContain('safety system');

    const retried = await admin.post(`/api/assets/${failed.id}/retry`).ok(202);
    expect(retried).toMatchObject({ id: failed.id, status: 'PENDING', attempts: 2, error_code: null, error_message: null });
    const done = await admin.settled(failed.id);
    expect(done).toMatchObject({ status: 'COMPLETED', attempts: 2, error_code: null, error_message: null });
    expect(await history(gb, failed.id)).toEqual([
      '>PENDING', 'PENDING>PROCESSING', 'PROCESSING>FAILED', 'FAILED>PENDING', 'PENDING>PROCESSING', 'PROCESSING>COMPLETED',
    ]);

    const again = await admin.post(`/api/assets/${failed.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('asset_wrong_state');
    const cancel = await admin.post(`/api/assets/${failed.id}/cancel`);
    expect(cancel.status).toBe(409);
    expect((await admin.get(`/api/assets/${failed.id}`).ok()).status).toBe('COMPLETED');
    expect((await history(gb, failed.id)).length).toBe(6);
  });

  it('models of a deactivated provider cannot be used until it is switched back on', async () => {
    const providers = (await admin.get('/api/providers').ok()).items as { id: string; name: string }[];
    const bad = providers.find((p) => p.name === 'OpenAI sim, wrong key')!;
    await admin.patch(`/api/providers/${bad.id}`, { is_active: false }).ok();
    const [before] = await gb.sql('SELECT count(*)::int AS n FROM assets');
    const refused = await admin.post(`/api/boxes/${box.id}/generate`, { prompt: 'x', ai_model_id: badKeyModel });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('ai_model_id');
    expect((await admin.get('/api/models').ok()).items.map((m: ModelDto) => m.id)).not.toContain(badKeyModel);
    expect(await gb.sql('SELECT count(*)::int AS n FROM assets')).toEqual([before]);
    await admin.patch(`/api/providers/${bad.id}`, { is_active: true }).ok();
    const again = await admin.post(`/api/boxes/${box.id}/generate`, { prompt: 'x', ai_model_id: badKeyModel }).ok(202);
    expect((await admin.settled(again.id)).error_code).toBe('provider_auth');
  });
});

describe('cancel and retry while the local provider takes its time', () => {
  let gb: TestGenbox;
  let bob: UserClient;
  let box: BoxDto;
  let image: ModelDto;

  beforeAll(async () => {
    // over a second in PROCESSING; one job slot per job name, so a third asset waits in PENDING
    gb = await startTestGenbox({ LOCAL_PROVIDER_DELAY_MS: '1200', WORKER_CONCURRENCY: '1' });
    bob = await gb.newUser('bob');
    box = await bob.createBox('Slow');
    image = await bob.model('local-image');
  });
  afterAll(() => gb?.stop());

  const status = async (id: string) => (await bob.get<AssetDto>(`/api/assets/${id}`).ok()).status;

  it('a canceled PROCESSING asset stays CANCELED: its late result is thrown away', async () => {
    const a = await bob.post(`/api/boxes/${box.id}/generate`, { prompt: 'slow', ai_model_id: image.id }).ok(202);
    for (let i = 0; i < 100 && (await status(a.id)) !== 'PROCESSING'; i++) await new Promise((r) => setTimeout(r, 20));
    const canceled = await bob.post(`/api/assets/${a.id}/cancel`).ok(200);
    expect(canceled).toMatchObject({ id: a.id, status: 'CANCELED' });

    await new Promise((r) => setTimeout(r, 1800)); // past the provider's finish
    const after = await bob.get(`/api/assets/${a.id}`).ok();
    expect(after).toMatchObject({ status: 'CANCELED', file_url: null, mime_type: null });
    expect((await gb.storedFiles()).filter((f) => f.includes(a.id))).toEqual([]);
    expect(await history(gb, a.id)).toEqual(['>PENDING', 'PENDING>PROCESSING', 'PROCESSING>CANCELED']);

    const again = await bob.post(`/api/assets/${a.id}/cancel`);
    expect(again.status).toBe(409);
  });

  it('a PENDING asset can be canceled before a worker takes it, and retried to completion', async () => {
    const { items } = await bob.post(`/api/boxes/${box.id}/generate`, { prompt: 'queue', ai_model_id: image.id, count: 3 }).ok(202);
    // one job slot: while the first renders (1.2 s each), the other two wait in PENDING; the last
    // of them is the one no worker will reach for over two seconds
    let statuses: string[] = [];
    for (let i = 0; i < 100; i++) {
      statuses = await Promise.all((items as AssetDto[]).map((a) => status(a.id)));
      if (statuses.includes('PROCESSING')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(statuses.filter((s) => s === 'PROCESSING')).toHaveLength(1);
    const pending = (items as AssetDto[])[statuses.lastIndexOf('PENDING')];
    expect(pending, 'with one job slot, the others wait').toBeDefined();
    await bob.post(`/api/assets/${pending!.id}/cancel`).ok(200);
    expect(await history(gb, pending!.id)).toEqual(['>PENDING', 'PENDING>CANCELED']);

    // the others finish; the canceled one is never picked up
    const others = (items as AssetDto[]).filter((a) => a.id !== pending!.id);
    expect((await Promise.all(others.map((a) => bob.settled(a.id)))).map((a) => a.status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(await status(pending!.id)).toBe('CANCELED');

    const retried = await bob.post(`/api/assets/${pending!.id}/retry`).ok(202);
    expect(retried).toMatchObject({ status: 'PENDING', attempts: 2 });
    const done = await bob.settled(pending!.id);
    expect(done).toMatchObject({ status: 'COMPLETED', attempts: 2, mime_type: 'image/png' });
    expect(await history(gb, pending!.id)).toEqual(['>PENDING', 'PENDING>CANCELED', 'CANCELED>PENDING', 'PENDING>PROCESSING', 'PROCESSING>COMPLETED']);

    const completedCancel = await bob.post(`/api/assets/${pending!.id}/cancel`);
    expect(completedCancel.status).toBe(409);
    expect(completedCancel.body.error).toBe('asset_wrong_state');
  });
});
