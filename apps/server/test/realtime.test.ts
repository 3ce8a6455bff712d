import { randomUUID } from 'node:crypto';
import type { AssetDto, BoxDto, ModelDto } from '@genbox/contracts';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Received, type TestGenbox, type UserClient, connected, joinBox, pngBytes, recordEvents, startTestGenbox, until } from './harness.js';

let gb: TestGenbox;
let alice: UserClient;
let bob: UserClient;
let image: ModelDto;
const sockets: Socket[] = [];

beforeAll(async () => {
  // long enough in PROCESSING for the local provider to report progress a few times
  gb = await startTestGenbox({ LOCAL_PROVIDER_DELAY_MS: '1200' });
  [alice, bob] = [await gb.newUser('alice'), await gb.newUser('bob')];
  image = await alice.model('local-image');
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(() => gb?.stop());

async function open(user: UserClient): Promise<Socket> {
  const s = user.socket();
  sockets.push(s);
  return connected(s);
}

/** The sequenced events (everything but presence) of one box, as received. */
const sequenced = (got: Received[], boxId: string) => got.filter((r) => r.event !== 'presence.changed' && r.payload?.box_id === boxId);
const assetEvents = (got: Received[], assetId: string) => got.filter((r) => r.payload?.asset?.id === assetId);
const completed = (got: Received[], assetId: string) => assetEvents(got, assetId).some((r) => ['COMPLETED', 'FAILED'].includes(r.payload.asset.status));
/** URLs carry a signature that may differ between two reads; the rest of the asset must not. */
const unsigned = (a: AssetDto) => ({ ...a, file_url: a.file_url?.split('?')[0], thumbnail_url: a.thumbnail_url?.split('?')[0], updated_at: undefined });

describe('realtime', () => {
  it('a missing or forged token is refused at the handshake', async () => {
    for (const auth of [{}, { token: 'nope' }, { token: `${alice.token}x` }]) {
      const s = io(gb.url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(s);
      const err = await connected(s).then(() => null, (e: Error) => e);
      expect(err, JSON.stringify(auth)).toBeInstanceOf(Error);
      expect(err!.message).toContain('unauthorized');
      expect(s.connected).toBe(false);
    }
  });

  it('a page from another site cannot open a socket, even with a valid token; the server\'s own origins can', async () => {
    const attempt = async (origin: string) => {
      const s = io(gb.url, { auth: { token: alice.token }, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin } });
      sockets.push(s);
      return connected(s).then(() => 'connected', (e: Error) => e.message);
    };
    const port = new URL(gb.url).port;
    expect(await attempt('https://evil.example')).not.toBe('connected');
    expect(await attempt(`http://127.0.0.1:${Number(port) + 1}`)).not.toBe('connected');
    // PUBLIC_URL's origin, and the other spellings of a loopback host
    for (const host of ['127.0.0.1', 'localhost', '[::1]']) expect(await attempt(`http://${host}:${port}`), host).toBe('connected');
  });

  it('an outsider cannot join a box and hears nothing of it', async () => {
    const box = await alice.createBox('Private');
    const outsider = await open(bob);
    const heard = recordEvents(outsider);
    const ack = await joinBox(outsider, box.id);
    expect(ack).toMatchObject({ ok: false, error: { statusCode: 404, error: 'not_found' } });
    expect(await joinBox(outsider, 'not-a-uuid')).toMatchObject({ ok: false, error: { statusCode: 404 } });

    const owner = await open(alice);
    const seen = recordEvents(owner);
    await joinBox(owner, box.id);
    const a = await alice.post(`/api/boxes/${box.id}/generate`, { prompt: 'secret', ai_model_id: image.id }).ok(202);
    await until(() => seen, (g) => completed(g, a.id), 15_000, 'the owner to see the asset finish');
    expect(heard).toEqual([]);
  });

  it('a member\'s generation reaches them as created, PROCESSING, progress, COMPLETED, in seq order from the join on', async () => {
    const box = await alice.createBox('Live');
    const s = await open(alice);
    const got = recordEvents(s);
    const ack = await joinBox(s, box.id);
    expect(ack).toMatchObject({ ok: true, seq: 0, presence: [{ user_id: alice.id, display_name: 'alice', viewing: [] }] });

    const started = await alice.post(`/api/boxes/${box.id}/generate`, { prompt: 'sunrise', ai_model_id: image.id }).ok(202);
    await until(() => got, (g) => completed(g, started.id), 15_000, 'COMPLETED over the socket');
    const events = sequenced(got, box.id);
    expect(events.map((e) => e.payload.seq)).toEqual(events.map((_, i) => ack.seq + 1 + i));

    const steps = events.map((e) => `${e.event}:${e.payload.asset.status}`);
    expect(steps[0]).toBe('asset.created:PENDING');
    expect(steps[1]).toBe('asset.updated:PROCESSING');
    expect(steps.at(-1)).toBe('asset.updated:COMPLETED');
    const progress = events.map((e) => e.payload.asset.progress).filter((p) => p !== null && p < 100);
    expect(progress.length, `progress in ${JSON.stringify(events.map((e) => e.payload.asset.progress))}`).toBeGreaterThan(0);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));

    const last = events.at(-1)!.payload.asset as AssetDto;
    const rest = await alice.get<AssetDto>(`/api/assets/${started.id}`).ok();
    expect(unsigned(last)).toEqual(unsigned(rest));
    expect(last.file_url).toMatch(/^http/);
  });

  it('several generations at once still arrive with consecutive seqs', async () => {
    const box = await alice.createBox('Busy');
    const s = await open(alice);
    const got = recordEvents(s);
    const ack = await joinBox(s, box.id);
    const { items } = await alice.post(`/api/boxes/${box.id}/generate`, { prompt: 'many', ai_model_id: image.id, count: 3 }).ok(202);
    await until(() => got, (g) => items.every((a: AssetDto) => completed(g, a.id)), 20_000, 'three COMPLETED');
    const seqs = sequenced(got, box.id).map((e) => e.payload.seq);
    expect(seqs).toEqual(seqs.map((_, i) => ack.seq + 1 + i));
    const [row] = await gb.sql('SELECT event_seq::int AS seq FROM boxes WHERE id = $1', [box.id]);
    expect(seqs.at(-1)).toBe(row.seq);
  });

  it('two members of a box see the same updates', async () => {
    const box = await alice.createBox('Shared');
    await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'editor' }).ok(201);
    const [sa, sb] = await Promise.all([open(alice), open(bob)]);
    const [ga, gbEvents] = [recordEvents(sa), recordEvents(sb)];
    const [acka, ackb] = await Promise.all([joinBox(sa, box.id), joinBox(sb, box.id)]);
    expect(acka.seq).toBe(ackb.seq);

    const started = await bob.post(`/api/boxes/${box.id}/generate`, { prompt: 'together', ai_model_id: image.id }).ok(202);
    await until(() => [ga, gbEvents], ([x, y]) => completed(x!, started.id) && completed(y!, started.id), 15_000, 'both to see COMPLETED');
    const view = (g: Received[]) => sequenced(g, box.id).map((e) => [e.event, e.payload.seq, e.payload.asset.status, e.payload.asset.progress]);
    expect(view(ga)).toEqual(view(gbEvents));
    expect(view(ga).length).toBeGreaterThanOrEqual(3);
  });

  it('a removed member is told at once and hears nothing of the box afterwards', async () => {
    const box = await alice.createBox('Revocable');
    await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'viewer' }).ok(201);
    const [sa, sb] = await Promise.all([open(alice), open(bob)]);
    const [ga, gbEvents] = [recordEvents(sa), recordEvents(sb)];
    await Promise.all([joinBox(sa, box.id), joinBox(sb, box.id)]);
    const presence = () => ga.filter((r) => r.event === 'presence.changed').at(-1)?.payload.presence;
    await until(presence, (p) => p?.length === 2, 5000, 'presence with both');

    await alice.delete(`/api/boxes/${box.id}/members/${bob.id}`).ok(204);
    const told = await until(() => gbEvents.filter((r) => r.event === 'member.changed'), (l) => l.length > 0, 5000, 'member.changed');
    expect(told[0]!.payload).toMatchObject({ box_id: box.id, user_id: bob.id, member: null });
    expect(told[0]!.payload.seq).toBeGreaterThan(0);
    const heardBefore = gbEvents.length;

    const started = await alice.post(`/api/boxes/${box.id}/generate`, { prompt: 'after', ai_model_id: image.id }).ok(202);
    await alice.patch(`/api/boxes/${box.id}`, { name: 'Renamed' }).ok();
    await until(() => ga, (g) => completed(g, started.id) && g.some((r) => r.event === 'box.updated'), 15_000, 'alice to see it all');
    expect(gbEvents.slice(heardBefore).filter((r) => r.event !== 'presence.changed')).toEqual([]);
    expect(assetEvents(gbEvents, started.id)).toEqual([]);
    // and they cannot simply join again
    expect(await joinBox(sb, box.id)).toMatchObject({ ok: false, error: { statusCode: 404 } });
    // the others no longer see them as present
    await until(presence, (p) => p?.length === 1, 5000, 'presence without the removed member');
    expect(presence()).toEqual([{ user_id: alice.id, display_name: 'alice', viewing: [] }]);
  });

  it('presence lists who is connected, each person once however many tabs they have', async () => {
    const box: BoxDto = await alice.createBox('Presence');
    await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'viewer' }).ok(201);
    const tab1 = await open(alice);
    const watch = recordEvents(tab1);
    const first = await joinBox(tab1, box.id);
    expect(first.presence).toEqual([{ user_id: alice.id, display_name: 'alice', viewing: [] }]);
    const tab2 = await open(alice);
    expect((await joinBox(tab2, box.id)).presence).toEqual([{ user_id: alice.id, display_name: 'alice', viewing: [] }]);

    const bobSocket = await open(bob);
    const both = await joinBox(bobSocket, box.id);
    expect(both.presence.map((p: { user_id: string }) => p.user_id).sort()).toEqual([alice.id, bob.id].sort());
    const latest = () => watch.filter((r) => r.event === 'presence.changed').at(-1)?.payload;
    await until(latest, (p) => p?.presence.length === 2, 5000, 'presence with bob');
    expect(latest()).toMatchObject({ box_id: box.id });
    expect(latest()).not.toHaveProperty('seq');

    bobSocket.disconnect();
    await until(latest, (p) => p?.presence.length === 1, 5000, 'presence without bob');
    expect(latest().presence).toEqual([{ user_id: alice.id, display_name: 'alice', viewing: [] }]);

    // one of alice's tabs leaving keeps her present
    tab2.disconnect();
    await new Promise((r) => setTimeout(r, 150));
    expect(latest().presence).toEqual([{ user_id: alice.id, display_name: 'alice', viewing: [] }]);
  });

  it('presence says which asset each person has open, by name and never by email, and forgets it when they close it or leave', async () => {
    const box: BoxDto = await alice.createBox('Looking at');
    await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'viewer' }).ok(201);
    const asset = await alice.upload(box.id, await pngBytes(40, 30), 'a.png').ok(201);
    const [aliceTab, bobTab] = [await open(alice), await open(bob)];
    const watch = recordEvents(aliceTab);
    await joinBox(aliceTab, box.id);
    await joinBox(bobTab, box.id);
    const bobsEntry = () => watch.filter((r) => r.event === 'presence.changed').at(-1)?.payload.presence.find((p: { user_id: string }) => p.user_id === bob.id);

    bobTab.emit('asset:view', { box_id: box.id, asset_id: asset.id });
    await until(bobsEntry, (p) => p?.viewing.length === 1, 5000, "bob's open asset in presence");
    expect(bobsEntry()).toEqual({ user_id: bob.id, display_name: 'bob', viewing: [asset.id] });
    const raw = JSON.stringify(watch.filter((r) => r.event === 'presence.changed').map((r) => r.payload));
    expect(raw).not.toContain(bob.email);
    expect(raw).not.toContain(alice.email);

    // not a box he joined, not an asset id: ignored
    bobTab.emit('asset:view', { box_id: randomUUID(), asset_id: asset.id });
    bobTab.emit('asset:view', { box_id: box.id, asset_id: 'not-an-id' });
    await new Promise((r) => setTimeout(r, 150));
    expect(bobsEntry().viewing).toEqual([asset.id]);

    bobTab.emit('asset:view', { box_id: box.id, asset_id: null });
    await until(bobsEntry, (p) => p?.viewing.length === 0, 5000, 'the drawer closed');
    bobTab.emit('asset:view', { box_id: box.id, asset_id: asset.id });
    await until(bobsEntry, (p) => p?.viewing.length === 1, 5000, 'open again');
    await bobTab.timeout(5000).emitWithAck('box:leave', { box_id: box.id });
    await until(bobsEntry, (p) => p === undefined, 5000, 'bob left');
    await joinBox(bobTab, box.id);
    await until(bobsEntry, (p) => p !== undefined, 5000, 'bob back');
    expect(bobsEntry().viewing).toEqual([]); // a new join starts with nothing open
  });
});
