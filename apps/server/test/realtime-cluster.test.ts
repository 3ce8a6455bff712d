import type { AssetDto, ModelDto } from '@genbox/contracts';
import { type Socket, io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Received, type TestGenbox, UserClient, connected, joinBox, recordEvents, startTestGenbox, until } from './harness.js';
import { NodeProcess } from './node-process.js';
import { SseReader } from './sse-reader.js';

let gb: TestGenbox;
const nodes: NodeProcess[] = [];
const sockets: Socket[] = [];
const streams: SseReader[] = [];
let api2: NodeProcess;

beforeAll(async () => {
  // this process is API node 1 only; node 2 and both workers are child processes
  gb = await startTestGenbox({ ROLE: 'api', LOCAL_PROVIDER_DELAY_MS: '150' });
  [api2] = await Promise.all([NodeProcess.start(gb, 'api'), NodeProcess.start(gb, 'worker').then((w) => nodes.push(w)), NodeProcess.start(gb, 'worker').then((w) => nodes.push(w))]) as [NodeProcess, number, number];
  nodes.push(api2);
}, 90_000);
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const r of streams) r.close();
  await Promise.all(nodes.map((n) => n.stop()));
  await gb?.stop();
});

/** The same user, talking to another API node. */
const on = (u: UserClient, url: string) => new UserClient(url, u.token!, u.id, u.email, u.name);
async function socketOn(u: UserClient, url: string): Promise<Socket> {
  const s = io(url, { auth: { token: u.token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  return connected(s);
}
const sequenced = (got: Received[], boxId: string) => got.filter((m) => m.event !== 'presence.changed' && m.payload?.box_id === boxId);

describe('two API nodes and two workers', () => {
  it('members on either node get every event of their box in seq order; outsiders on either node get none', async () => {
    const alice = await gb.newUser('alice');
    const [bob, eve] = [on(await gb.newUser('bob'), api2.url), await gb.newUser('eve')];
    const box = await alice.createBox('Cluster');
    await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'editor' }).ok(201);
    const image: ModelDto = await alice.model('local-image');

    const [a1, b2, e1, e2] = await Promise.all([socketOn(alice, gb.url), socketOn(bob, api2.url), socketOn(eve, gb.url), socketOn(eve, api2.url)]);
    const [aliceGot, bobGot, eveGot1, eveGot2] = [a1, b2, e1, e2].map(recordEvents);
    expect(await joinBox(a1, box.id)).toMatchObject({ ok: true, seq: 1 });
    expect(await joinBox(b2, box.id)).toMatchObject({ ok: true, seq: 1 });
    expect(await joinBox(e1, box.id)).toMatchObject({ ok: false });
    expect(await joinBox(e2, box.id)).toMatchObject({ ok: false });
    const eveBox = await eve.createBox('Eve');
    await joinBox(e1, eveBox.id);
    await joinBox(e2, eveBox.id);
    const bobSse = await SseReader.open(`${api2.url}/api/boxes/${box.id}/events?token=${bob.token}`);
    const eveSse = await SseReader.open(`${api2.url}/api/boxes/${box.id}/events?token=${eve.token}`);
    streams.push(bobSse, eveSse);
    expect(eveSse.status).toBe(404);

    // generations started through both nodes, run by whichever worker takes them
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const by = i % 2 ? bob : alice;
      ids.push((await by.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: `shot ${i}`, ai_model_id: image.id }).ok(202)).id);
    }
    for (const id of ids) expect((await alice.settled(id)).status).toBe('COMPLETED');
    const { seq } = await alice.get(`/api/boxes/${box.id}`).ok();
    const all = Array.from({ length: seq - 1 }, (_, i) => i + 2);

    await until(() => sequenced(aliceGot, box.id).length, (n) => n >= all.length, 10_000, `alice to get every event of ${JSON.stringify(all)}, got ${JSON.stringify(sequenced(aliceGot, box.id).map((m) => m.payload.seq))}`);
    await until(() => sequenced(bobGot, box.id).length, (n) => n >= all.length, 10_000, 'bob to get every event');
    await until(() => bobSse.events.length, (n) => n >= all.length + 1, 10_000, 'bob\'s SSE to get every event');
    expect(sequenced(aliceGot, box.id).map((m) => m.payload.seq)).toEqual(all);
    expect(sequenced(bobGot, box.id).map((m) => m.payload.seq)).toEqual(all);
    expect(bobSse.events.slice(1).map((m) => Number(m.id))).toEqual(all);
    expect(sequenced(bobGot, box.id)).toEqual(sequenced(aliceGot, box.id));
    // each asset's last event shows it finished
    for (const id of ids) expect(sequenced(bobGot, box.id).filter((m) => m.payload.asset?.id === id).at(-1)!.payload.asset.status).toBe('COMPLETED');

    // the box's presence is its members, wherever they are connected
    await until(() => aliceGot.filter((m) => m.event === 'presence.changed' && m.payload.box_id === box.id).at(-1)?.payload.presence.length, (n) => n === 2, 5000, 'presence across nodes');
    expect([...eveGot1, ...eveGot2].filter((m) => m.payload?.box_id === box.id)).toEqual([]);
    expect(JSON.stringify([...eveGot1, ...eveGot2])).not.toContain(box.id);
  }, 90_000);
});
