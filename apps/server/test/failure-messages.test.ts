import type { AssetDto, AssetHistoryEntry, BoxDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAISimulator, type OpenAISimulator } from '../../../test/simulators/openai.sim.js';
import { ADMIN } from './faults/fault-kit.js';
import { type Received, type TestGenbox, UserClient, connected, joinBox, recordEvents, startTestGenbox, until } from './harness.js';
import { SseReader } from './sse-reader.js';

/** Issue 14: a failed card says what to do and who can fix it; the provider's raw words reach admins only. */
describe('failure messages', () => {
  const RAW = 'Incorrect API key provided';
  let gb: TestGenbox;
  let sim: OpenAISimulator;
  let admin: UserClient, editor: UserClient, viewer: UserClient;
  let box: BoxDto;
  let badKeyModel: string;

  beforeAll(async () => {
    [gb, sim] = await Promise.all([startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }), startOpenAISimulator({ apiKey: 'sk-right-key-123456' })]);
    const login = await gb.client.post('/api/auth/login', ADMIN).ok();
    admin = new UserClient(gb.url, login.token, login.user.id, ADMIN.email, 'admin');
    [editor, viewer] = [await gb.newUser('editor'), await gb.newUser('viewer')];
    box = await editor.createBox('Failures');
    await editor.post(`/api/boxes/${box.id}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
    await editor.post(`/api/boxes/${box.id}/members`, { email: admin.email, role: 'viewer' }).ok(201);
    const p = await admin.post('/api/providers', { name: 'Wrong key', kind: 'openai', base_url: sim.apiUrl, api_key: 'sk-wrong-key-000000', allow_private_network: true }).ok(201);
    badKeyModel = (await admin.post('/api/models', { provider_id: p.id, name: 'Bad key', slug: 'bad-key', model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'gpt-image-1', parameters_schema: {} }).ok(201)).id;
  });
  afterAll(async () => {
    await gb?.stop();
    await sim?.close();
  });

  it("a teammate reads who can fix it and gets no Retry; only an admin sees the provider's words, in REST only — never on sockets or SSE", async () => {
    const viewerSocket = await connected(viewer.socket());
    await joinBox(viewerSocket, box.id);
    const heard: Received[] = recordEvents(viewerSocket);
    const stream = await SseReader.open(`${gb.url}/api/boxes/${box.id}/events`, { authorization: `Bearer ${viewer.token}` });
    try {
      const created = await editor.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: 'a fox', ai_model_id: badKeyModel }).ok(202);
      const done = await editor.settled(created.id);
      expect(done.status).toBe('FAILED');
      expect(done.failure).toEqual({ message: expect.stringContaining('ask an admin'), fixed_by: 'admin', retry_helps: false });
      expect(done.error_code).toBe('provider_auth');

      for (const who of [editor, viewer]) {
        const one = await who.get<AssetDto>(`/api/assets/${done.id}`).ok();
        const page = await who.get<{ items: AssetDto[] }>(`/api/boxes/${box.id}/assets`).ok();
        const history = await who.get<{ items: AssetHistoryEntry[] }>(`/api/assets/${done.id}/history`).ok();
        expect(one.failure?.fixed_by).toBe('admin');
        expect(JSON.stringify([one, page, history])).not.toContain(RAW);
        expect(history.items.at(-1)).toMatchObject({ to_status: 'FAILED', detail: { error_code: 'provider_auth' } });
      }
      const asAdmin = await admin.get<AssetDto>(`/api/assets/${done.id}`).ok();
      expect(asAdmin.error_message).toContain(RAW);
      expect((await admin.get<{ items: AssetDto[] }>(`/api/boxes/${box.id}/assets`).ok()).items[0]!.error_message).toContain(RAW);
      expect(JSON.stringify(await admin.get(`/api/assets/${done.id}/history`).ok())).toContain(RAW);

      await until(() => heard.some((m) => JSON.stringify(m.payload).includes('"FAILED"')), Boolean, 10_000, 'the viewer socket heard the failure');
      await until(() => JSON.stringify(stream.messages).includes('FAILED'), Boolean, 10_000, 'the viewer stream heard the failure');
      expect(JSON.stringify(heard)).not.toContain(RAW);
      expect(JSON.stringify(stream.messages)).not.toContain(RAW);
      expect(JSON.stringify(heard)).toContain('ask an admin');
    } finally {
      viewerSocket.close();
      stream.close();
    }
  });

  it('a run the provider simply failed offers Retry and tells a viewer so, without the provider\'s words', async () => {
    const failed = await gb.sql(
      `INSERT INTO assets (box_id, type, status, source_type, model_id, prompt, error_code, error_message, created_by, attempts)
       VALUES ($1, 'IMAGE', 'FAILED', 'GENERATED', $2, 'x', 'provider_unavailable', 'HTTP 503 upstream', $3, 1) RETURNING id`,
      [box.id, badKeyModel, editor.id],
    );
    const a = await viewer.get<AssetDto>(`/api/assets/${failed[0].id}`).ok();
    expect(a).toMatchObject({ error_message: null, failure: { fixed_by: 'retry', retry_helps: true } });
    expect(a.failure!.message).toMatch(/Retry/);
  });
});
