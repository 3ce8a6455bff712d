import type { AssetDto, AssetPage, BoxDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAssets } from '../../../test/support/seed-assets.js';
import { type TestGenbox, type UserClient, insertAsset, startTestGenbox } from './harness.js';

let gb: TestGenbox;
let alice: UserClient, bob: UserClient, viewer: UserClient, outsider: UserClient;
let box: BoxDto;
let modelA: string, modelB: string;
const NEWEST = new Date('2026-06-01T12:00:00.000Z');

/** Every item of a listing, page after page; and the total the first page gave. */
async function walk(u: UserClient, query: string, limit = 7): Promise<{ items: AssetDto[]; total: number | null; pages: number }> {
  const items: AssetDto[] = [];
  let cursor: string | null = null;
  let total: number | null = null;
  for (let pages = 1; pages < 500; pages++) {
    const page: AssetPage = await u.get<AssetPage>(`/api/boxes/${box.id}/assets?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`).ok();
    if (pages === 1) total = page.total;
    else expect(page.total).toBeNull();
    items.push(...page.items);
    if (!(cursor = page.next_cursor)) return { items, total, pages };
  }
  throw new Error('the listing never ended');
}

beforeAll(async () => {
  gb = await startTestGenbox();
  [alice, bob, viewer, outsider] = await Promise.all(['Alice', 'Bob', 'Vera', 'Otto'].map((n) => gb.newUser(n)));
  box = await alice.createBox('Search');
  await alice.post(`/api/boxes/${box.id}/members`, { email: bob.email, role: 'editor' }).ok(201);
  await alice.post(`/api/boxes/${box.id}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
  [modelA, modelB] = [(await alice.model('local-image')).id, (await alice.model('local-video')).id];
  // 300 rows: authors alternate Alice/Bob, models alternate, every 10th FAILED, every 25th CANCELED
  await seedAssets(gb.sql, {
    boxId: box.id, userIds: [alice.id, bob.id], modelIds: [modelA, modelB], count: 300, newest: NEWEST,
    files: [{ storage_key: 'k/a.png', thumbnail_key: 'k/a.webp', width: 1600, height: 900, mime_type: 'image/png', type: 'IMAGE' }],
  });
  // and a prompt with the characters LIKE treats specially
  await insertAsset(gb, box.id, alice.id, { prompt: '100% off_sale banner', status: 'COMPLETED', created_at: new Date(NEWEST.getTime() + 1000) });
});
afterAll(() => gb?.stop());

describe('searching and filtering a box, server-side', () => {
  it('the first page says how many match in all; paging yields exactly that many, newest first, no repeats', async () => {
    const { items, total } = await walk(viewer, 'sort=newest', 50);
    expect(total).toBe(301);
    expect(new Set(items.map((a) => a.id)).size).toBe(301);
    const times = items.map((a) => a.created_at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('oldest first walks the same assets the other way', async () => {
    const newest = await walk(viewer, 'sort=newest', 40);
    const oldest = await walk(viewer, 'sort=oldest', 40);
    expect(oldest.items.map((a) => a.id)).toEqual(newest.items.map((a) => a.id).reverse());
  });

  it('prompt search finds the text in any case, and its % and _ are plain characters', async () => {
    const fog = await walk(viewer, `q=${encodeURIComponent('LIGHTHOUSE in FOG')}`);
    expect(fog.total).toBeGreaterThan(0);
    expect(fog.items).toHaveLength(fog.total!);
    for (const a of fog.items) expect(a.prompt!.toLowerCase()).toContain('lighthouse in fog');
    const exact = await walk(viewer, `q=${encodeURIComponent('#123')}`);
    expect(exact.items.map((a) => a.prompt)).toEqual([expect.stringMatching(/ #123$/)]);
    expect((await walk(viewer, `q=${encodeURIComponent('100%')}`)).items.map((a) => a.prompt)).toEqual(['100% off_sale banner']);
    expect((await walk(viewer, `q=${encodeURIComponent('1_0')}`)).total).toBe(0); // _ is not a wildcard
  });

  it('filters by several statuses, type, model, author and date, each narrowing, with totals that match', async () => {
    const failedOrPending = await walk(viewer, 'status=FAILED,CANCELED');
    expect(failedOrPending.total).toBe(30 + 12 - 6); // every 10th, plus every 25th that is not also a 50th
    expect(new Set(failedOrPending.items.map((a) => a.status))).toEqual(new Set(['FAILED', 'CANCELED']));

    const bobsOnB = await walk(viewer, `created_by=${bob.id}&model_id=${modelB}`);
    expect(bobsOnB.total).toBeGreaterThan(0);
    for (const a of bobsOnB.items) expect([a.created_by?.id, a.ai_model_id]).toEqual([bob.id, modelB]);

    // the hour before NEWEST: rows 1..60 minutes old (row 0 is at NEWEST itself, `to` is excluded)
    const hour = await walk(viewer, `from=${new Date(NEWEST.getTime() - 3600_000).toISOString()}&to=${NEWEST.toISOString()}`);
    expect(hour.total).toBe(60);
    expect(hour.items.every((a) => a.created_at < NEWEST.toISOString())).toBe(true);

    const videos = await walk(viewer, 'type=VIDEO');
    expect(videos.total).toBe(0);
    expect(videos.items).toEqual([]);
  });

  it('bad filters are refused with 400 naming the parameter, and a cursor cannot cross to the other sort', async () => {
    const first = await viewer.get<AssetPage>(`/api/boxes/${box.id}/assets?limit=5`).ok();
    for (const [query, field] of [
      ['status=DONE', 'status'], ['status=,', 'status'], ['model_id=abc', 'model_id'], ['created_by=1', 'created_by'],
      ['from=yesterday', 'from'], ['from=2026-02-02&to=2026-01-01', 'to'], ['sort=random', 'sort'], [`q=${'x'.repeat(201)}`, 'q'],
      [`sort=oldest&cursor=${first.next_cursor}`, 'cursor'],
    ] as const) {
      const r = await viewer.get(`/api/boxes/${box.id}/assets?${query}`);
      expect(r.status, query).toBe(400);
      expect((r.body as { message: string }).message, query).toContain(field);
    }
  });

  it('an outsider gets 404 whatever the filters, even ones matching nothing', async () => {
    for (const q of ['', 'q=nothing-matches-this', 'status=FAILED']) expect((await outsider.get(`/api/boxes/${box.id}/assets?${q}`)).status).toBe(404);
    expect((await outsider.get('/api/boxes/not-a-uuid/assets')).status).toBe(404);
  });
});
