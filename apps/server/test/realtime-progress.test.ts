import type { AssetDto } from '@genbox/contracts';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, type UserClient, connected, joinBox, recordEvents, startTestGenbox } from './harness.js';

let gb: TestGenbox;
let alice: UserClient;
let s: Socket;

beforeAll(async () => {
  // a person-speed local provider: long enough to report progress several times
  gb = await startTestGenbox({ LOCAL_PROVIDER_DELAY_MS: '2000' });
  alice = await gb.newUser('alice');
});
afterAll(async () => {
  s?.disconnect();
  await gb?.stop();
});

describe('generation progress', () => {
  it('a local video reports progress several times while it renders, at most a few updates a second', async () => {
    const video = await alice.model('local-video');
    const box = await alice.createBox('Progress');
    s = await connected(alice.socket());
    const got = recordEvents(s);
    const at = new Map<object, number>();
    s.onAny((_e, p) => at.set(p, Date.now()));
    await joinBox(s, box.id);

    const a = await alice.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: 'waves at dusk', ai_model_id: video.id }).ok(202);
    expect((await alice.settled(a.id, 60_000)).status).toBe('COMPLETED');
    await new Promise((r) => setTimeout(r, 300));

    const updates = got.filter((m) => m.event === 'asset.updated' && m.payload.asset.id === a.id);
    const progress = updates.filter((m) => m.payload.asset.status === 'PROCESSING' && m.payload.asset.progress !== null);
    const values = progress.map((m) => m.payload.asset.progress as number);
    expect(values.length, JSON.stringify(values)).toBeGreaterThanOrEqual(3);
    // it only goes forward, and the card ends finished at 100
    expect([...values].sort((x, y) => x - y)).toEqual(values);
    expect(updates.at(-1)!.payload.asset).toMatchObject({ status: 'COMPLETED', progress: 100 });

    // no more than ~4 progress updates in any one second
    const times = progress.map((m) => at.get(m.payload)!);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(4);
  }, 90_000);

  it('a provider that reports progress faster than that is thinned out to one update per ~300 ms', async () => {
    // four ticks 100 ms apart
    const fast = await startTestGenbox({ LOCAL_PROVIDER_DELAY_MS: '400' });
    try {
      const bob = await fast.newUser('bob');
      const box = await bob.createBox('Fast');
      const sock = await connected(bob.socket());
      const got = recordEvents(sock);
      const at = new Map<object, number>();
      sock.onAny((_e, p) => at.set(p, Date.now()));
      await joinBox(sock, box.id);
      const a = await bob.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: 'fast', ai_model_id: (await bob.model('local-video')).id }).ok(202);
      expect((await bob.settled(a.id, 60_000)).status).toBe('COMPLETED');
      await new Promise((r) => setTimeout(r, 300));
      sock.disconnect();
      // progress moves (other PROCESSING updates, like the hand-over to the finish step, repeat the value)
      const progress = got
        .filter((m) => m.event === 'asset.updated' && m.payload.asset.id === a.id && m.payload.asset.status === 'PROCESSING' && m.payload.asset.progress !== null)
        .filter((m, i, all) => i === 0 || m.payload.asset.progress !== all[i - 1]!.payload.asset.progress);
      const times = progress.map((m) => at.get(m.payload)!);
      expect(progress.length).toBeGreaterThanOrEqual(1);
      // the provider reported 10, 30, 60, 90 and 100 within ~400 ms
      expect(progress.length, JSON.stringify(progress.map((m) => m.payload.asset.progress))).toBeLessThanOrEqual(3);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(200);
    } finally {
      await fast.stop();
    }
  }, 90_000);
});
