import type { AssetDto, ModelDto } from '@genbox/contracts';
import { type Socket, io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRoomCore, type SequencedEvent } from '../../web/src/composables/roomCore.js';
import { RealtimePublisher } from '../src/realtime/realtime.publisher.js';
import { type TestGenbox, type UserClient, connected, joinBox, pngBytes, recordEvents, startTestGenbox, until } from './harness.js';

let gb: TestGenbox;
let alice: UserClient;
let image: ModelDto;
const sockets: Socket[] = [];

beforeAll(async () => {
  // long enough in PROCESSING that connections drop while statuses change
  gb = await startTestGenbox({ LOCAL_PROVIDER_DELAY_MS: '400' });
  alice = await gb.newUser('alice');
  image = await alice.model('local-image');
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(() => gb?.stop());

const SEQUENCED = ['asset.created', 'asset.updated', 'asset.deleted', 'box.updated', 'member.changed'] as const;
/** What a card shows; signed URLs differ between reads, so only their path counts. */
const card = (a: AssetDto) => ({ id: a.id, status: a.status, progress: a.progress, file: a.file_url?.split('?')[0] ?? null, error: a.error_message });

describe('ordering across processes', () => {
  it('events published out of seq order reach clients in seq order; one whose predecessor never comes waits about a second', async () => {
    const box = await alice.createBox('Order');
    const asset = await alice.upload(box.id, await pngBytes()).ok(201);
    const s = await connected(alice.socket());
    sockets.push(s);
    const got = recordEvents(s);
    await joinBox(s, box.id);
    const publisher = gb.app.get(RealtimePublisher);

    // two processes committed seq 2 and 3; the one with 3 publishes first
    publisher.assetUpdated({ ...asset, prompt: 'three' }, 3);
    publisher.assetUpdated({ ...asset, prompt: 'two' }, 2);
    const seqs = () => got.filter((m) => m.payload?.seq !== undefined).map((m) => m.payload.seq);
    await until(seqs, (l) => l.length === 2, 5000, 'both events');
    expect(seqs()).toEqual([2, 3]);

    // seq 4 never comes (its publisher died): 5 is held, then released so clients see the gap
    const t0 = Date.now();
    publisher.assetUpdated({ ...asset, prompt: 'five' }, 5);
    await until(seqs, (l) => l.length === 3, 5000, 'the held event');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(800);
    // 4 turning up after 5 went out is older than what clients have: it is dropped
    publisher.assetUpdated({ ...asset, prompt: 'four, late' }, 4);
    publisher.assetUpdated({ ...asset, prompt: 'six' }, 6);
    await until(seqs, (l) => l.length === 4, 5000, 'the next event');
    expect(seqs()).toEqual([2, 3, 5, 6]);
  });

  it('a board whose connection drops while statuses change ends up showing exactly what the server has', async () => {
    const box = await alice.createBox('Flaky network');
    const view = new Map<string, AssetDto>();
    let reloads = 0;
    const s: Socket = io(gb.url, { auth: { token: alice.token }, transports: ['websocket'], forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100 });
    sockets.push(s);
    const core = createRoomCore({
      boxId: box.id,
      currentUserId: () => alice.id,
      join: () => s.timeout(5000).emitWithAck('box:join', { box_id: box.id }),
      fetchSeq: async () => (await alice.get(`/api/boxes/${box.id}`).ok()).seq,
      reload: async () => {
        const { items } = await alice.get<{ items: AssetDto[] }>(`/api/boxes/${box.id}/assets?limit=100`).ok();
        reloads++;
        view.clear();
        for (const a of items) view.set(a.id, a);
      },
      onAsset: (a) => view.set(a.id, a),
      onAssetDeleted: (id) => view.delete(id),
      onBox: () => undefined,
      onMember: () => undefined,
    });
    for (const name of SEQUENCED) s.on(name, (payload: unknown) => core.receive({ name, payload } as SequencedEvent));
    s.on('connect', () => void core.connected());
    await connected(s);
    await until(() => core.seq.value, (v) => v !== null, 5000, 'joined');

    let drops = 0;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const a = await alice.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: `frame ${i}`, ai_model_id: image.id }).ok(202);
      ids.push(a.id);
      if (i % 2 === 0) {
        // the network goes away under the socket (not a clean disconnect)
        s.io.engine.close();
        drops++;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    const deleted = await alice.upload(box.id, await pngBytes()).ok(201);
    await alice.delete(`/api/assets/${deleted.id}`).ok(204);
    s.io.engine.close();
    drops++;
    for (const id of ids) await alice.settled(id);

    const server = async () => (await alice.get<{ items: AssetDto[] }>(`/api/boxes/${box.id}/assets?limit=100`).ok()).items.map(card).sort((a, b) => a.id.localeCompare(b.id));
    const shown = () => [...view.values()].map(card).sort((a, b) => a.id.localeCompare(b.id));
    const expected = await server();
    expect(expected.map((c) => c.status)).toEqual(Array(6).fill('COMPLETED'));
    await until(shown, (v) => JSON.stringify(v) === JSON.stringify(expected), 10_000, 'the board to match the server');
    expect(core.seq.value).toBe((await alice.get(`/api/boxes/${box.id}`).ok()).seq);
    // it got there by refetching after each reconnect, not by luck
    expect(reloads).toBeGreaterThanOrEqual(drops);
    expect(drops).toBe(4);
  });
});
