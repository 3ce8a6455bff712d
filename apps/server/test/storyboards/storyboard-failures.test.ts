import type { StoryboardDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAISimulator, type OpenAISimulator } from '../../../../test/simulators/openai.sim.js';
import { ADMIN, loginAdmin } from '../faults/fault-kit.js';
import { type Received, type TestGenbox, type UserClient, connected, joinBox, recordEvents, startTestGenbox, until } from '../harness.js';
import { SseReader } from '../sse-reader.js';

/** Issue 13 (as issue 14 for assets): a failed storyboard tells every member what happened and who can fix it; the provider's words reach admins only, over REST. */
describe('storyboard failure text', () => {
  const RAW = 'Incorrect API key provided';
  let gb: TestGenbox;
  let sim: OpenAISimulator;
  let admin: UserClient, editor: UserClient, viewer: UserClient;
  let boxId: string;
  let planner: { provider_id: string; model: string };
  let model: string;

  beforeAll(async () => {
    [gb, sim] = await Promise.all([startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }), startOpenAISimulator({ apiKey: 'sk-right-key-123456' })]);
    admin = await loginAdmin(gb);
    [editor, viewer] = [await gb.newUser('editor'), await gb.newUser('viewer')];
    boxId = (await editor.createBox('Failed films')).id;
    await editor.post(`/api/boxes/${boxId}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
    await editor.post(`/api/boxes/${boxId}/members`, { email: admin.email, role: 'viewer' }).ok(201);
    const p = await admin.post('/api/providers', { name: 'Wrong key', kind: 'openai', base_url: sim.apiUrl, api_key: 'sk-wrong-key-000000', allow_private_network: true }).ok(201);
    planner = { provider_id: p.id, model: 'gpt-4o-mini' };
    model = (await editor.model('local-video')).id;
  });
  afterAll(async () => {
    await gb?.stop();
    await sim?.close();
  });

  it("a planner refused for its key: members read that an admin must fix it, on REST, the socket and SSE; only an admin's REST answers carry the provider's words", async () => {
    const socket = await connected(viewer.socket());
    await joinBox(socket, boxId);
    const heard: Received[] = recordEvents(socket);
    const stream = await SseReader.open(`${gb.url}/api/boxes/${boxId}/events`, { authorization: `Bearer ${viewer.token}` });
    try {
      const r = await editor.post<StoryboardDto>(`/api/boxes/${boxId}/storyboards`, { prompt: 'A lighthouse at night. A ship passes.', ai_model_id: model, scenes: 2, planner });
      // the planner answers within the create's wait: a 502 saying who can fix it, without the provider's words
      expect(r.status).toBe(502);
      expect(r.body).toMatchObject({ error: 'planner_failed', message: expect.stringContaining('ask an admin') });
      expect(JSON.stringify(r.body)).not.toContain(RAW);

      const [{ id }] = await gb.sql<{ id: string }>('SELECT id FROM storyboards WHERE box_id = $1', [boxId]);
      for (const who of [editor, viewer]) {
        const one = await who.get<StoryboardDto>(`/api/storyboards/${id}`).ok();
        const list = await who.get<{ items: StoryboardDto[] }>(`/api/boxes/${boxId}/storyboards`).ok();
        expect(one.status).toBe('FAILED');
        expect(one.error_message).toBeNull();
        expect(one.failure).toEqual({ message: expect.stringMatching(/^The planner could not plan this storyboard\. .*ask an admin/), fixed_by: 'admin', retry_helps: false });
        expect(JSON.stringify([one, list])).not.toContain(RAW);
      }
      const asAdmin = await admin.get<StoryboardDto>(`/api/storyboards/${id}`).ok();
      expect(asAdmin.error_message).toContain(RAW);
      expect(asAdmin.failure?.fixed_by).toBe('admin');
      expect((await admin.get<{ items: StoryboardDto[] }>(`/api/boxes/${boxId}/storyboards`).ok()).items[0]!.error_message).toContain(RAW);

      const failedEvent = (e: { event: string; payload?: unknown; data?: unknown }) => e.event === 'storyboard.updated' && JSON.stringify(e.payload ?? e.data).includes('"FAILED"');
      await until(() => heard, (h) => h.some(failedEvent), 10_000, 'the viewer socket heard the failure');
      await until(() => stream.events, (ev) => ev.some(failedEvent), 10_000, 'the viewer stream heard the failure');
      const onSocket = heard.find(failedEvent)!.payload.storyboard as StoryboardDto;
      expect(onSocket.failure?.message).toContain('ask an admin');
      expect(onSocket.error_message).toBeNull();
      expect(JSON.stringify(heard)).not.toContain(RAW);
      expect(JSON.stringify(stream.messages)).not.toContain(RAW);
      expect(JSON.stringify(stream.messages)).toContain('ask an admin');
    } finally {
      socket.close();
      stream.close();
    }
  }, 60_000);
});
