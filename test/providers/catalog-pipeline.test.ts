import type { AssetDto, ModelDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, type UserClient, startTestGenbox } from '../../apps/server/test/harness.js';
import { loadCatalog } from '@genbox/providers';
import { type RunningSim, register, simSlug, startAll } from '../simulators/fleet.js';

/**
 * Every model of the catalog, registered the way `npm run sim` does it, goes through the whole
 * pipeline of a real Genbox (generate → Bull → adapter → simulator → stored file) and finishes.
 */
const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
let gb: TestGenbox;
let sims: RunningSim[];
let admin: UserClient;

beforeAll(async () => {
  gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
  sims = await startAll({ ephemeral: true, quiet: true });
  await register(sims, { url: gb.url, ...ADMIN, log: () => undefined });
  const login = await gb.client.post('/api/auth/login', ADMIN).ok();
  admin = new (Object.getPrototypeOf(await gb.newUser()).constructor)(gb.url, login.token, login.user.id, ADMIN.email, 'Admin');
  // every generation holds its model's cost: enough credits for one run of each model
  await admin.post('/api/admin/credits', { user_id: login.user.id, amount: 100_000, note: 'catalog pipeline' }).ok(201);
}, 120_000);
afterAll(async () => {
  await Promise.all((sims ?? []).map((s) => s.close()));
  await gb?.stop();
});

describe('the catalog against the provider simulators', () => {
  it('every provider kind is registered with its models, and no key is ever shown', async () => {
    const { items: providers } = await admin.get('/api/providers').ok();
    const kinds = new Set(providers.map((p: { kind: string }) => p.kind));
    for (const k of ['kie', 'replicate', 'runware', 'stability', 'openai', 'fal', 'template']) expect(kinds).toContain(k);
    for (const p of providers.filter((x: { kind: string }) => x.kind !== 'local')) expect(p).toMatchObject({ has_api_key: true });
    expect(JSON.stringify(providers)).not.toMatch(/api_key"\s*:\s*"/);
  });

  it('a generation on every model finishes COMPLETED with a file of the right type', async () => {
    const box = await admin.createBox('All providers');
    const { items: models } = await admin.get<{ items: ModelDto[] }>('/api/models').ok();
    const parentModel = models.find((m) => m.slug === 'local-image')!;
    const parent = await admin.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: 'a parent still', ai_model_id: parentModel.id }).ok(202);
    expect((await admin.settled(parent.id)).status).toBe('COMPLETED');

    const remote = models.filter((m) => m.provider_kind !== 'local');
    expect(remote.length).toBeGreaterThanOrEqual(12);
    const started = await Promise.all(remote.map(async (m) => {
      const body: Record<string, unknown> = { prompt: 'a cat surfing a wave', ai_model_id: m.id };
      if (m.input_type === 'IMAGE') body.parent_asset_id = parent.id;
      return { model: m, asset: await admin.post<AssetDto>(`/api/boxes/${box.id}/generate`, body).ok(202) };
    }));
    const done = await Promise.all(started.map(async ({ model, asset }) => ({ model, asset: await admin.settled(asset.id, 180_000) })));
    const summary = done.map(({ model, asset }) => `${model.slug}: ${asset.status} ${asset.error_message ?? ''}`);
    expect(done.every(({ asset }) => asset.status === 'COMPLETED'), summary.join('\n')).toBe(true);
    for (const { model, asset } of done) {
      expect(asset.mime_type, model.slug).toMatch(model.model_type === 'IMAGE' ? /^image\// : /^video\//);
      const file = await fetch(asset.file_url!);
      expect(file.status, model.slug).toBe(200);
      expect((await file.arrayBuffer()).byteLength, model.slug).toBe(asset.size_bytes);
    }
  }, 300_000); // ~50 models through providers limited to 4 at a time each, on a shared CI machine

  it('importing the catalog beside the simulators adds its models inactive, keeps the simulators\' working, and runs again harmlessly', async () => {
    const catalog = loadCatalog();
    const first = await admin.post('/api/catalog/import', {}).ok(200);
    expect(first).toEqual({ providers: { created: catalog.providers.length, updated: 0 }, models: { created: catalog.models.length, updated: 0 } });

    // without keys, none of the catalog's own models is offered; every simulator copy still is
    const offered = new Set((await admin.get<{ items: ModelDto[] }>('/api/models').ok()).items.map((m) => m.slug));
    for (const m of catalog.models) {
      expect(offered.has(m.slug), m.slug).toBe(false);
      expect(offered.has(simSlug(m.slug)), simSlug(m.slug)).toBe(true);
    }
    const all = (await admin.get<{ items: (ModelDto & { is_active: boolean })[] }>('/api/models?all=1').ok()).items;
    expect(catalog.models.every((m) => all.some((x) => x.slug === m.slug))).toBe(true);
    const { items: providers } = await admin.get('/api/providers').ok();
    for (const p of catalog.providers) expect(providers.find((x: { name: string }) => x.name === p.name), p.name).toMatchObject({ is_active: false, has_api_key: false });

    // a second import changes nothing but the rows' dates
    expect(await admin.post('/api/catalog/import', {}).ok(200)).toEqual({ providers: { created: 0, updated: catalog.providers.length }, models: { created: 0, updated: catalog.models.length } });

    // entering a key switches a provider on, and its catalog models are offered from then on
    const openai = providers.find((x: { name: string; kind: string }) => x.kind === 'openai' && !x.name.includes('simulator'));
    await admin.patch(`/api/providers/${openai.id}`, { api_key: 'sk-entered-by-the-admin' }).ok();
    const now = new Set((await admin.get<{ items: ModelDto[] }>('/api/models').ok()).items.map((m) => m.slug));
    for (const m of catalog.models.filter((x) => x.provider === catalog.providers.find((p) => p.name === openai.name)!.key)) expect(now.has(m.slug), m.slug).toBe(true);
  });
});
