import type { ModelDto } from '@genbox/contracts';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, type UserClient, carriesSeq, connected, joinBox, pngBytes, recordEvents, startTestGenbox, until } from './harness.js';
import { SseReader } from './sse-reader.js';

let gb: TestGenbox;
let alice: UserClient;
let bob: UserClient;
let image: ModelDto;
let redis: Redis;
const open: SseReader[] = [];

beforeAll(async () => {
  gb = await startTestGenbox();
  [alice, bob] = [await gb.newUser('alice'), await gb.newUser('bob')];
  image = await alice.model('local-image');
  redis = new Redis(gb.env.REDIS_URL!);
});
afterEach(() => {
  for (const r of open.splice(0)) r.close();
});
afterAll(async () => {
  redis?.disconnect();
  await gb?.stop();
});

async function stream(user: UserClient | null, boxId: string, opts: { lastEventId?: string; query?: string; viaQuery?: boolean } = {}) {
  const qs = new URLSearchParams();
  if (user && opts.viaQuery) qs.set('token', user.token!);
  const headers: Record<string, string> = {};
  if (user && !opts.viaQuery) headers.authorization = `Bearer ${user.token}`;
  if (opts.lastEventId !== undefined) headers['last-event-id'] = opts.lastEventId;
  const url = `${gb.url}/api/boxes/${boxId}/events${qs.size || opts.query ? `?${[qs.toString(), opts.query].filter(Boolean).join('&')}` : ''}`;
  const r = await SseReader.open(url, headers);
  open.push(r);
  return r;
}

const seqs = (r: SseReader) => r.events.map((m) => Number(m.id));
const settle = (userA: UserClient, id: string) => userA.settled(id);

describe('box events over Server-Sent Events', () => {
  it('a member sees the same events as on the socket, each with its seq as the event id', async () => {
    const box = await alice.createBox('SSE');
    const sse = await stream(alice, box.id);
    expect(sse.status).toBe(200);
    expect(sse.contentType).toContain('text/event-stream');
    await until(() => sse.events, (e) => e.length >= 1, 5000, 'box.joined');
    expect(sse.events[0]).toMatchObject({ event: 'box.joined', id: '0', data: { box_id: box.id, seq: 0 } });

    const s = await connected(alice.socket());
    const socketGot = recordEvents(s);
    await joinBox(s, box.id);
    const a = await alice.post(`/api/boxes/${box.id}/generate`, { prompt: 'a lighthouse', ai_model_id: image.id }).ok(202);
    await settle(alice, a.id);
    await until(() => sse.events, (e) => e.some((m) => m.event === 'asset.updated' && m.data.asset.status === 'COMPLETED'), 10_000, 'COMPLETED over SSE');
    await until(() => socketGot, (g) => g.some((m) => m.event === 'asset.updated' && m.payload.asset.status === 'COMPLETED'), 10_000, 'COMPLETED on the socket');
    s.disconnect();

    const overSse = sse.events.slice(1).map((m) => ({ event: m.event, seq: Number(m.id), payload: m.data }));
    const overSocket = socketGot.filter(carriesSeq).map((m) => ({ event: m.event, seq: m.payload.seq, payload: m.payload }));
    expect(overSse).toEqual(overSocket);
    const statuses = overSse.map((m) => m.payload.asset.status);
    expect(statuses.filter((x, i) => x !== statuses[i - 1])).toEqual(['PENDING', 'PROCESSING', 'COMPLETED']);
    expect(seqs(sse).slice(1)).toEqual(overSse.map((_, i) => i + 1));
  });

  it('EventSource can pass the token and the resume point in the query string', async () => {
    const box = await alice.createBox('Query');
    await alice.upload(box.id, await pngBytes()).ok(201);
    await alice.upload(box.id, await pngBytes()).ok(201);
    const sse = await stream(alice, box.id, { viaQuery: true, query: 'last_event_id=1' });
    expect(sse.status).toBe(200);
    await until(() => sse.events, (e) => e.length >= 1, 5000, 'the replayed upload');
    expect(sse.events).toHaveLength(1);
    expect(sse.events[0]).toMatchObject({ event: 'asset.created', id: '2', data: { box_id: box.id, seq: 2, asset: { status: 'COMPLETED' } } });
  });

  it('only members may listen: no token is 401, an outsider gets 404 and hears nothing', async () => {
    const box = await alice.createBox('Members only');
    expect((await stream(null, box.id)).status).toBe(401);
    const outsider = await stream(bob, box.id);
    expect(outsider.status).toBe(404);
    expect(outsider.error).toMatchObject({ statusCode: 404, error: 'not_found' });
    expect((await stream(bob, box.id, { viaQuery: true })).status).toBe(404);
    expect((await stream(alice, 'not-a-uuid')).status).toBe(404);
  });

  it('a client that comes back with Last-Event-ID gets exactly the events it missed, in order', async () => {
    const box = await alice.createBox('Resume');
    const first = await stream(alice, box.id);
    const a = await alice.post(`/api/boxes/${box.id}/generate`, { prompt: 'one', ai_model_id: image.id }).ok(202);
    await settle(alice, a.id);
    // wait for the COMPLETED event itself: the REST answer can run ahead of the stream, and how many
    // progress events come before it is the local provider's business
    await until(() => first.events, (e) => e.some((m) => m.event === 'asset.updated' && m.data.asset.status === 'COMPLETED'), 10_000, 'the first generation finished');
    first.close();
    const lastSeen = first.events.at(-1)!.id!;

    // while away: an upload, a rename, another generation
    await alice.upload(box.id, await pngBytes()).ok(201);
    await alice.patch(`/api/boxes/${box.id}`, { name: 'Resumed' }).ok();
    const b = await alice.post(`/api/boxes/${box.id}/generate`, { prompt: 'two', ai_model_id: image.id }).ok(202);
    await settle(alice, b.id);
    const { seq } = await alice.get(`/api/boxes/${box.id}`).ok();

    const again = await stream(alice, box.id, { lastEventId: lastSeen });
    await until(() => again.events, (e) => e.length >= seq - Number(lastSeen), 10_000, 'the missed events');
    expect(seqs(again)).toEqual(Array.from({ length: seq - Number(lastSeen) }, (_, i) => Number(lastSeen) + 1 + i));
    expect(again.events.slice(0, 4).map((m) => m.event)).toEqual(['asset.created', 'box.updated', 'asset.created', 'asset.updated']);
    expect(again.events.at(-1)!.data.asset).toMatchObject({ id: b.id, status: 'COMPLETED' });

    // and it stays live afterwards
    await alice.patch(`/api/boxes/${box.id}`, { name: 'Live again' }).ok();
    await until(() => again.events, (e) => e.some((m) => m.event === 'box.updated' && m.data.box.name === 'Live again'), 5000, 'a live event after the replay');
    expect(Number(again.events.at(-1)!.id)).toBe(seq + 1);
  });

  it('a resume from before what the log still holds is told to refetch (box.resync), then carries on', async () => {
    const box = await alice.createBox('Trimmed');
    for (let i = 0; i < 5; i++) await alice.patch(`/api/boxes/${box.id}`, { name: `Name ${i}` }).ok();
    // the log keeps a bounded number of events per box: cut it down to the last two
    const key = `${gb.env.REDIS_PREFIX}:box-events:{${box.id}}`;
    await redis.xtrim(key, 'MAXLEN', 2);
    expect(await redis.xlen(key)).toBe(2);

    const sse = await stream(alice, box.id, { lastEventId: '1' });
    await until(() => sse.events, (e) => e.length >= 2, 5000, 'resync then the last event');
    expect(sse.events[0]).toMatchObject({ event: 'box.resync', id: '4', data: { box_id: box.id, seq: 4 } });
    expect(sse.events[1]).toMatchObject({ event: 'box.updated', id: '5', data: { box: { name: 'Name 4' } } });
    expect(sse.events).toHaveLength(2);
  });

  it('a Last-Event-ID the box never reached resyncs at the current seq', async () => {
    const box = await alice.createBox('Future');
    await alice.patch(`/api/boxes/${box.id}`, { name: 'Once' }).ok();
    const sse = await stream(alice, box.id, { lastEventId: '99' });
    await until(() => sse.events, (e) => e.length >= 1, 5000, 'resync');
    expect(sse.events[0]).toMatchObject({ event: 'box.resync', id: '1', data: { seq: 1 } });
  });

  it('a new member resuming from 0 hears nothing from before they joined: no deleted prompt, no earlier member', async () => {
    const carol = await gb.newUser('carol');
    const box = await alice.createBox('Before you came');
    const secret = await alice.upload(box.id, await pngBytes(), 'plan.png', { prompt_text: 'the secret launch plan' }).ok(201);
    await alice.delete(`/api/assets/${secret.id}`).ok(204);
    await alice.post(`/api/boxes/${box.id}/members`, { email: carol.email, role: 'editor' }).ok(201);
    await alice.delete(`/api/boxes/${box.id}/members/${carol.id}`).ok(204);
    await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'viewer' }).ok(201);
    const { seq: joinedAt } = await alice.get(`/api/boxes/${box.id}`).ok();

    for (const lastEventId of ['0', '2']) {
      const { seq: now } = await alice.get(`/api/boxes/${box.id}`).ok();
      const bobs = await stream(bob, box.id, { lastEventId });
      await until(() => bobs.events, (e) => e.length >= 1, 5000, 'the answer to the resume');
      // what came before bob is a resync (refetch what you may see now), never a replay
      expect(bobs.events[0]).toMatchObject({ event: 'box.resync', id: String(now), data: { seq: now } });
      await alice.patch(`/api/boxes/${box.id}`, { name: `Live ${lastEventId}` }).ok();
      await until(() => bobs.events, (e) => e.some((m) => m.data.box?.name === `Live ${lastEventId}`), 5000, 'a live event after the resync');
      expect(bobs.events).toHaveLength(2);
      const heard = JSON.stringify(bobs.events);
      expect(heard).not.toContain('secret launch plan');
      expect(heard).not.toContain(carol.id);
      bobs.close();
    }
    // his own membership onwards replays as before
    const fromJoin = await stream(bob, box.id, { lastEventId: String(joinedAt) });
    await until(() => fromJoin.events, (e) => e.length >= 2, 5000, 'the replay since joining');
    expect(fromJoin.events.map((m) => m.event)).toEqual(['box.updated', 'box.updated']);
    // the owner, a member from the start, still replays everything the log holds
    const alices = await stream(alice, box.id, { lastEventId: '0' });
    await until(() => alices.events, (e) => e.length >= joinedAt + 1, 5000, "the owner's replay");
    expect(alices.events[0]).toMatchObject({ event: 'asset.created', id: '1', data: { asset: { prompt: 'the secret launch plan' } } });
  });

  it('a removed member is told so and their stream ends; the others keep listening', async () => {
    const box = await alice.createBox('Removal');
    await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'viewer' }).ok(201);
    const bobs = await stream(bob, box.id);
    const alices = await stream(alice, box.id);
    await until(() => bobs.events, (e) => e.length >= 1, 5000, 'bob joined');

    await alice.delete(`/api/boxes/${box.id}/members/${bob.id}`).ok(204);
    await bobs.finished();
    expect(bobs.events.at(-1)).toMatchObject({ event: 'member.changed', data: { user_id: bob.id, member: null } });

    await alice.patch(`/api/boxes/${box.id}`, { name: 'After bob' }).ok();
    await until(() => alices.events, (e) => e.some((m) => m.data.box?.name === 'After bob'), 5000, 'alice still live');
    expect(bobs.events.some((m) => m.data.box?.name === 'After bob')).toBe(false);
    expect((await stream(bob, box.id, { lastEventId: '0' })).status).toBe(404);
  });
});
