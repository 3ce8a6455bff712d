import type { AssetDto, ModelDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, type UserClient, startTestGenbox } from '../../apps/server/test/harness.js';
import { type RunningSim, register, startAll } from '../simulators/fleet.js';

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
    const done = await Promise.all(started.map(async ({ model, asset }) => ({ model, asset: await admin.settled(asset.id, 60_000) })));
    const summary = done.map(({ model, asset }) => `${model.slug}: ${asset.status} ${asset.error_message ?? ''}`);
    expect(done.every(({ asset }) => asset.status === 'COMPLETED'), summary.join('\n')).toBe(true);
    for (const { model, asset } of done) {
      expect(asset.mime_type, model.slug).toMatch(model.model_type === 'IMAGE' ? /^image\// : /^video\//);
      const file = await fetch(asset.file_url!);
      expect(file.status, model.slug).toBe(200);
      expect((await file.arrayBuffer()).byteLength, model.slug).toBe(asset.size_bytes);
    }
  }, 120_000);
});
