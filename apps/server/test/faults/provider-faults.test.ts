import type { AssetDto, BoxDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../../test/simulators/kie.sim.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';
import { ADMIN, loginAdmin, registerModel } from './fault-kit.js';

/** One HTTP call to a provider may take this long before it is a (retryable) timeout. */
const REQUEST_TIMEOUT_MS = 600;

/**
 * Provider faults through the whole pipeline: a real Genbox (API + worker) and a Kie.ai simulator
 * per case, so the cases run side by side. Each ends with the status, error_code and message a
 * person would see, and no message carries the API key.
 */
describe.concurrent('provider faults end to end (Kie.ai simulator)', () => {
  let gb: TestGenbox;
  let admin: UserClient;
  let box: BoxDto;
  const sims: KieSim[] = [];

  beforeAll(async () => {
    gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password, PROVIDER_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
    admin = await loginAdmin(gb);
    box = await admin.createBox('Faults');
  });
  afterAll(async () => {
    await gb?.stop();
    await Promise.all(sims.map((s) => s.close()));
  });

  /** A fresh simulator with its own provider and model (polled every 100 ms unless `poll` says otherwise). */
  async function setup(slug: string, poll: Record<string, number> = { interval_ms: 100 }) {
    const sim = await startKieSim();
    sims.push(sim);
    const model = await registerModel(admin, { kind: 'kie', baseUrl: sim.url, apiKey: sim.apiKey, slug, apiEndpoint: 'nano-banana-2', responseMapping: { poll } });
    const run = async (timeoutMs = 25_000): Promise<AssetDto> => {
      const started = await admin.post(`/api/boxes/${box.id}/generate`, { prompt: 'a heron in fog', ai_model_id: model }).ok(202);
      return admin.settled(started.id, timeoutMs);
    };
    return { sim, run };
  }

  const creates = (sim: KieSim) => sim.server.log.filter((r) => r.path === '/api/v1/jobs/createTask').length;

  async function history(id: string): Promise<string[]> {
    const rows = await gb.sql('SELECT from_status, to_status FROM asset_events WHERE asset_id = $1 ORDER BY id', [id]);
    return rows.map((r) => `${r.from_status ?? ''}>${r.to_status}`);
  }

  /** The asset as the API and the database hold it never shows the key. */
  async function expectNoKey(asset: AssetDto, sim: KieSim) {
    expect(JSON.stringify(asset)).not.toContain(sim.apiKey);
    const [row] = await gb.sql('SELECT row_to_json(a)::text AS json FROM assets a WHERE id = $1', [asset.id]);
    expect(row.json).not.toContain(sim.apiKey);
  }

  it('two 5xx answers, then success: COMPLETED after retries, one provider task, a clean history', async () => {
    const { sim, run } = await setup('kie-5xx');
    sim.faults.add('createTask', { status: 500, body: { code: 500, msg: 'Internal Error' } }, 1);
    sim.faults.add('createTask', { status: 503, headers: { 'retry-after': '0' }, body: { code: 503, msg: 'Service Unavailable' } }, 1);
    const done = await run();
    expect(done).toMatchObject({ status: 'COMPLETED', error_code: null, error_message: null, mime_type: 'image/png' });
    expect(creates(sim)).toBe(3);
    expect(sim.tasks.size).toBe(1);
    expect(await history(done.id)).toEqual(['>PENDING', 'PENDING>PROCESSING', 'PROCESSING>COMPLETED']);
    expect((await fetch(done.file_url!)).status).toBe(200);
  });

  it('a burst of 429s with Retry-After: Genbox waits as told and the asset COMPLETES', async () => {
    const { sim, run } = await setup('kie-429');
    sim.faults.add('createTask', { status: 429, headers: { 'retry-after': '1' }, body: { code: 429, msg: 'Rate limited' } }, 3);
    const t0 = Date.now();
    const done = await run();
    expect(done).toMatchObject({ status: 'COMPLETED', error_code: null });
    expect(creates(sim)).toBe(4);
    // three waits of the asked second each, not a hammering
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2900);
  });

  it('a provider that answers too slowly is abandoned and asked again: COMPLETED', async () => {
    const { sim, run } = await setup('kie-slow');
    sim.faults.add('createTask', { status: 200, delayMs: REQUEST_TIMEOUT_MS * 3, body: { code: 200, msg: 'success', data: { taskId: 'late-task' } } }, 1);
    const done = await run();
    expect(done).toMatchObject({ status: 'COMPLETED', error_code: null });
    expect(creates(sim)).toBe(2);
  });

  it('a task that never finishes fails at the model\'s poll timeout, saying how long it waited', async () => {
    const { sim, run } = await setup('kie-forever', { interval_ms: 100, timeout_ms: 1500 });
    sim.scripts.push({ steps: [{ phase: 'running', ms: 120_000 }], outcome: 'succeeded' });
    const done = await run();
    expect(done).toMatchObject({ status: 'FAILED', error_code: 'generation_timeout', file_url: null });
    expect(done.error_message).toMatch(/timed out after (1|2) s/);
    expect(done.error_message).toContain('kie-forever provider did not finish');
    await expectNoKey(done, sim);
  });

  it('an answer that is not JSON fails at once with a message saying so', async () => {
    const { sim, run } = await setup('kie-garbled');
    sim.faults.add('createTask', { status: 200, headers: { 'content-type': 'application/json' }, body: '{"code":200,"data":{"taskId":' }, 1);
    const done = await run();
    expect(done).toMatchObject({ status: 'FAILED', error_code: 'provider_bad_response', file_url: null });
    expect(done.error_message).toMatch(/Kie\.ai sent an answer Genbox cannot read \(not JSON/);
    expect(creates(sim)).toBe(1);
    await expectNoKey(done, sim);
  });

  it('a content-filtered prompt fails as provider_content_filtered with the provider\'s reason', async () => {
    const { sim, run } = await setup('kie-filtered');
    sim.scripts.push({ steps: [{ phase: 'queued', polls: 1 }], outcome: 'filtered', failMessage: 'Your prompt was flagged by our content policy: graphic violence' });
    const done = await run();
    expect(done).toMatchObject({ status: 'FAILED', error_code: 'provider_content_filtered', file_url: null });
    expect(done.error_message).toContain('flagged by our content policy: graphic violence');
    await expectNoKey(done, sim);
    expect(await history(done.id)).toEqual(['>PENDING', 'PENDING>PROCESSING', 'PROCESSING>FAILED']);
  });

  it('a result link that expired before the download fails saying the link expired', async () => {
    const { sim, run } = await setup('kie-expired');
    sim.scripts.push({ steps: [{ phase: 'queued', polls: 1 }], outcome: 'succeeded', resultTtlMs: 1 });
    const done = await run();
    expect(done).toMatchObject({ status: 'FAILED', error_code: 'result_expired', file_url: null });
    expect(done.error_message).toMatch(/result link expired/);
    await expectNoKey(done, sim);
    expect((await gb.storedFiles()).filter((f) => f.includes(done.id))).toEqual([]);
  });

  it('a result download refused with 429s and a 503 is asked again as told, and the asset COMPLETES', async () => {
    const { sim, run } = await setup('kie-download-429');
    sim.scripts.push({ steps: [{ phase: 'queued', polls: 1 }], outcome: 'succeeded' });
    sim.faults.add('GET /files/', { status: 429, headers: { 'retry-after': '1' }, body: 'Too Many Requests' }, 3);
    sim.faults.add('GET /files/', { status: 503, headers: { 'retry-after': '1' }, body: 'Service Unavailable' }, 1);
    const done = await run();
    expect(done).toMatchObject({ status: 'COMPLETED', mime_type: 'image/png' });
    const downloads = sim.server.log.filter((r) => r.path.startsWith('/files/'));
    expect(downloads).toHaveLength(5); // three 429s, one 503, then the file
    // each refusal was followed by a wait of its Retry-After before the next try
    for (let i = 1; i < 5; i++) expect(downloads[i]!.at - downloads[i - 1]!.at).toBeGreaterThanOrEqual(950);
    expect(await history(done.id)).toEqual(['>PENDING', 'PENDING>PROCESSING', 'PROCESSING>COMPLETED']);
  });

  it("a card in PROCESSING shows the provider's own word for where the task is", async () => {
    const { sim } = await setup('kie-states', { interval_ms: 100 });
    sim.scripts.push({ steps: [{ phase: 'queued', ms: 600 }, { phase: 'running', ms: 600 }], outcome: 'succeeded' });
    const model = (await admin.get<{ items: { id: string; slug: string }[] }>('/api/models').ok()).items.find((m) => m.slug === 'kie-states')!;
    const started = await admin.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: 'a heron in fog', ai_model_id: model.id }).ok(202);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const a = await admin.get<AssetDto>(`/api/assets/${started.id}`).ok();
      if (a.status === 'PROCESSING' && a.provider_state) seen.add(a.provider_state);
      if (a.status === 'COMPLETED') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect([...seen]).toEqual(expect.arrayContaining(['waiting', 'generating']));
    expect([...seen].some((s) => s.startsWith('submitting:'))).toBe(false); // Genbox's own marker stays inside
  });

  it('a wrong key fails at once naming the problem, never the key', async () => {
    const { sim, run } = await setup('kie-auth');
    sim.faults.add('createTask', { status: 401, body: { code: 401, msg: `You do not have access permissions (key ${sim.apiKey})` } }, 1);
    const done = await run();
    expect(done).toMatchObject({ status: 'FAILED', error_code: 'provider_auth' });
    expect(done.error_message).toMatch(/rejected the API key/);
    await expectNoKey(done, sim);
  });
});
