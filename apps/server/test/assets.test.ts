import { createHmac } from 'node:crypto';
import type { AssetDto, BoxDto, Page } from '@genbox/contracts';
import { ffmpegPath, runTool } from '@genbox/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, type UserClient, insertAsset, pngBytes, startTestGenbox } from './harness.js';

let gb: TestGenbox;
let editor: UserClient, viewer: UserClient, outsider: UserClient;
let modelId: string;

beforeAll(async () => {
  gb = await startTestGenbox();
  [editor, viewer, outsider] = await Promise.all([gb.newUser('editor'), gb.newUser('viewer'), gb.newUser('outsider')]);
  modelId = (await editor.model('local-image')).id;
});
afterAll(() => gb?.stop());

async function sharedBox(name: string): Promise<BoxDto> {
  const b = await editor.createBox(name);
  await editor.post(`/api/boxes/${b.id}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
  return b;
}

/** Every page of a listing, following next_cursor; also returns the pages' sizes. */
async function allPages(u: UserClient, boxId: string, query: string, limit: number) {
  const items: AssetDto[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const q = `${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: Page<AssetDto> = await u.get<Page<AssetDto>>(`/api/boxes/${boxId}/assets?${q}`).ok();
    items.push(...page.items);
    sizes.push(page.items.length);
    cursor = page.next_cursor;
    if (!cursor) return { items, sizes };
  }
  throw new Error('the listing never ended');
}

const ids = (xs: { id: string }[]) => xs.map((x) => x.id);
const filesOf = async (assetId: string) => (await gb.storedFiles()).filter((f) => f.includes(assetId));

describe('listing a box', () => {
  let box: BoxDto;
  let everything: AssetDto[];
  const tie = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    box = await sharedBox('Listing');
    const png = await pngBytes(16, 16);
    // older rows first: five that share one created_at (a batch), in several states and types
    for (const [status, type] of [['COMPLETED', 'IMAGE'], ['FAILED', 'IMAGE'], ['CANCELED', 'VIDEO'], ['COMPLETED', 'VIDEO'], ['PENDING', 'IMAGE']] as const)
      await insertAsset(gb, box.id, editor.id, { status, type, created_at: tie });
    for (let i = 0; i < 4; i++) await editor.upload(box.id, png, `u${i}.png`).ok(201);
    const gen = await editor.post<{ items: AssetDto[] }>(`/api/boxes/${box.id}/generate`, { prompt: 'three at once', ai_model_id: modelId, count: 3 }).ok(202);
    for (const a of gen.items) expect((await editor.settled(a.id)).status).toBe('COMPLETED');
    everything = (await viewer.get<Page<AssetDto>>(`/api/boxes/${box.id}/assets?limit=200`).ok()).items;
  });

  it('shows the newest first, and the full listing ends with no next cursor', async () => {
    expect(everything).toHaveLength(12);
    const times = everything.map((a) => Date.parse(a.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(everything[0]!.prompt).toBe('three at once');
    expect(everything.slice(-5).every((a) => a.created_at === tie)).toBe(true);
    const page = await viewer.get<Page<AssetDto>>(`/api/boxes/${box.id}/assets`).ok();
    expect(page.next_cursor).toBeNull();
    expect(ids(page.items)).toEqual(ids(everything));
  });

  it.each([1, 2, 3, 5, 12])('paging %i at a time gives every asset once, in the same order, even through equal timestamps', async (limit) => {
    const { items, sizes } = await allPages(viewer, box.id, '', limit);
    expect(ids(items)).toEqual(ids(everything));
    expect(new Set(ids(items)).size).toBe(items.length);
    // full pages until the last; no empty page after an exact fit
    expect(sizes.slice(0, -1).every((n) => n === limit)).toBe(true);
    expect(sizes.at(-1)).toBeGreaterThan(0);
  });

  it('an asset added while someone pages neither repeats nor hides the ones they have not reached', async () => {
    const first = await viewer.get<Page<AssetDto>>(`/api/boxes/${box.id}/assets?limit=4`).ok();
    const added = await editor.upload(box.id, await pngBytes(8, 8), 'late.png').ok(201);
    let rest: AssetDto[] = [];
    let cursor = first.next_cursor;
    while (cursor) {
      const p: Page<AssetDto> = await viewer.get<Page<AssetDto>>(`/api/boxes/${box.id}/assets?limit=4&cursor=${cursor}`).ok();
      rest = rest.concat(p.items);
      cursor = p.next_cursor;
    }
    expect([...ids(first.items), ...ids(rest)]).toEqual(ids(everything));
    expect((await viewer.get<Page<AssetDto>>(`/api/boxes/${box.id}/assets?limit=1`).ok()).items[0]!.id).toBe(added.id);
    await editor.delete(`/api/assets/${added.id}`);
  });

  it('filters by status and by type, and pages through a filtered list', async () => {
    const completed = await allPages(viewer, box.id, 'status=COMPLETED', 2);
    expect(ids(completed.items)).toEqual(ids(everything.filter((a) => a.status === 'COMPLETED')));
    expect(completed.items).toHaveLength(9);
    const videos = await allPages(viewer, box.id, 'type=VIDEO', 1);
    expect(ids(videos.items)).toEqual(ids(everything.filter((a) => a.type === 'VIDEO')));
    expect(videos.items).toHaveLength(2);
    const both = (await viewer.get<Page<AssetDto>>(`/api/boxes/${box.id}/assets?status=CANCELED&type=VIDEO`).ok()).items;
    expect(both.map((a) => [a.status, a.type])).toEqual([['CANCELED', 'VIDEO']]);
    for (const s of ['PENDING', 'FAILED']) expect((await viewer.get<Page<AssetDto>>(`/api/boxes/${box.id}/assets?status=${s}`).ok()).items).toHaveLength(1);
  });

  it('a bad cursor, limit, status or type is refused naming the parameter', async () => {
    const cases: [string, string][] = [
      ['cursor=not-a-cursor', 'cursor'],
      [`cursor=${Buffer.from('yesterday|abc').toString('base64url')}`, 'cursor'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=2.5', 'limit'],
      ['status=DONE', 'status'],
      ['type=AUDIO', 'type'],
    ];
    for (const [q, field] of cases) {
      const r = await viewer.get(`/api/boxes/${box.id}/assets?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.message, q).toContain(field);
    }
  });

  it('lists only this box: assets of another box never show up', async () => {
    const other = await sharedBox('Other');
    await editor.upload(other.id, await pngBytes(8, 8), 'other.png').ok(201);
    const mine = await allPages(viewer, box.id, '', 50);
    expect(mine.items.every((a) => a.box_id === box.id)).toBe(true);
    expect((await viewer.get<Page<AssetDto>>(`/api/boxes/${other.id}/assets`).ok()).items).toHaveLength(1);
  });
});

describe('one asset and its bytes', () => {
  let box: BoxDto;
  let png: Buffer;
  let asset: AssetDto;

  beforeAll(async () => {
    box = await sharedBox('Files');
    png = await pngBytes(800, 600); // past the 512 px of a thumbnail: it has a separate one
    asset = await editor.upload(box.id, png, 'photo.png', { prompt_text: 'the original' }).ok(201);
  });

  /** A file URL for `assetId` signed with the server's secret, expiring at `exp` (ms). */
  const signedUrl = (assetId: string, variant: string, exp: number) => {
    const sig = createHmac('sha256', gb.env.APP_SECRET!).update(`file\n${assetId}:${variant}:${exp}`).digest('base64url');
    return `${gb.url}/api/assets/${assetId}/${variant}?exp=${exp}&sig=${sig}`;
  };

  it('a member reads an asset by id; an unknown id is 404', async () => {
    const got = await viewer.get<AssetDto>(`/api/assets/${asset.id}`).ok();
    expect(got).toMatchObject({ id: asset.id, box_id: box.id, prompt: 'the original', status: 'COMPLETED', width: 800, height: 600, size_bytes: png.length });
    expect(got.file_url).toMatch(new RegExp(`^${gb.env.PUBLIC_URL}/api/assets/${asset.id}/file\\?exp=\\d+&sig=`));
    expect((await viewer.get('/api/assets/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await viewer.get('/api/assets/nope')).status).toBe(404);
  });

  it('the signed file_url downloads the exact bytes with no token at all', async () => {
    const res = await fetch(asset.file_url!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Number(res.headers.get('content-length'))).toBe(png.length);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
  });

  it('a Range request gets just those bytes (206 with Content-Range), so videos can seek', async () => {
    const head = await fetch(asset.file_url!, { headers: { range: 'bytes=0-9' } });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`bytes 0-9/${png.length}`);
    expect(Buffer.from(await head.arrayBuffer()).equals(png.subarray(0, 10))).toBe(true);

    const tail = await fetch(asset.file_url!, { headers: { range: `bytes=${png.length - 5}-` } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes ${png.length - 5}-${png.length - 1}/${png.length}`);
    expect(Buffer.from(await tail.arrayBuffer()).equals(png.subarray(-5))).toBe(true);

    const past = await fetch(asset.file_url!, { headers: { range: `bytes=${png.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${png.length}`);
  });

  it('a seeking video player gets the middle of a real video', async () => {
    const mp4 = await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=12:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+frag_keyframe+empty_moov', '-f', 'mp4', 'pipe:1']);
    const v = await editor.upload(box.id, mp4, 'clip.mp4').ok(201);
    const res = await fetch(v.file_url!, { headers: { range: 'bytes=100-1099' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await res.arrayBuffer()).equals(mp4.subarray(100, 1100))).toBe(true);
  });

  it('a tampered, swapped or expired signature is refused with 401 and no bytes', async () => {
    const url = new URL(asset.file_url!);
    const sig = url.searchParams.get('sig')!;
    const exp = Number(url.searchParams.get('exp'));
    const tries = {
      tampered: url.href.replace(`sig=${sig}`, `sig=${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`),
      'later expiry': url.href.replace(`exp=${exp}`, `exp=${exp + 3600_000}`),
      'another asset': url.href.replace(asset.id, '00000000-0000-4000-8000-000000000000'),
      'thumbnail signature on the file': asset.thumbnail_url!.replace('/thumbnail?', '/file?'),
      'no signature': `${gb.url}/api/assets/${asset.id}/file?exp=${exp}`,
      'nothing at all': `${gb.url}/api/assets/${asset.id}/file`,
      expired: signedUrl(asset.id, 'file', Date.now() - 1000),
    };
    for (const [what, href] of Object.entries(tries)) {
      const res = await fetch(href);
      expect(res.status, what).toBe(401);
      expect((await res.json()).error, what).toBe('unauthorized');
    }
    // the same signing, still in date, works: only the expiry made the difference above
    expect((await fetch(signedUrl(asset.id, 'file', Date.now() + 60_000))).status).toBe(200);
  });

  it('a member downloads with their token instead of a signature; an outsider cannot', async () => {
    for (const scheme of ['Bearer', 'Token']) {
      const res = await fetch(`${gb.url}/api/assets/${asset.id}/file`, { headers: { authorization: `${scheme} ${viewer.token}` } });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    }
    const ranged = await fetch(`${gb.url}/api/assets/${asset.id}/file`, { headers: { authorization: `Bearer ${viewer.token}`, range: 'bytes=0-3' } });
    expect(ranged.status).toBe(206);
    expect((await fetch(`${gb.url}/api/assets/${asset.id}/file`, { headers: { authorization: `Bearer ${outsider.token}` } })).status).toBe(404);
    expect((await fetch(`${gb.url}/api/assets/${asset.id}/file`, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
  });

  it('an asset that is not finished has no file to download', async () => {
    const id = await insertAsset(gb, box.id, editor.id, { status: 'PENDING', model_id: modelId });
    const a = await viewer.get<AssetDto>(`/api/assets/${id}`).ok();
    expect([a.file_url, a.thumbnail_url]).toEqual([null, null]);
    const res = await fetch(`${gb.url}/api/assets/${id}/file`, { headers: { authorization: `Bearer ${viewer.token}` } });
    expect(res.status).toBe(404);
    expect((await res.json()).message).toMatch(/no file/);
  });

  it('deleting an asset removes its row, its file and its thumbnail; its links stop working', async () => {
    const a = await editor.upload(box.id, await pngBytes(640, 480), 'bye.png').ok(201);
    // the row names exactly the files that exist for this asset: the original and its thumbnail
    const [row] = await gb.sql('SELECT storage_key, thumbnail_key FROM assets WHERE id = $1', [a.id]);
    expect(await filesOf(a.id)).toEqual([row.storage_key, row.thumbnail_key].sort());
    expect((await fetch(a.thumbnail_url!)).status).toBe(200);

    expect((await editor.delete(`/api/assets/${a.id}`)).status).toBe(204);
    expect(await filesOf(a.id)).toEqual([]);
    expect(await gb.sql('SELECT 1 FROM assets WHERE id = $1', [a.id])).toEqual([]);
    expect((await viewer.get(`/api/assets/${a.id}`)).status).toBe(404);
    expect(ids((await viewer.get<Page<AssetDto>>(`/api/boxes/${box.id}/assets`).ok()).items)).not.toContain(a.id);
    expect((await fetch(a.file_url!)).status).toBe(404);
    expect((await fetch(a.thumbnail_url!)).status).toBe(404);
    expect((await editor.delete(`/api/assets/${a.id}`)).status).toBe(404);
    // the other asset of the box is untouched
    expect(await filesOf(asset.id)).toHaveLength(2);
  });

  it('deleting a generated image removes what the worker stored too', async () => {
    const g = await editor.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: 'a kite', ai_model_id: modelId }).ok(202);
    expect((await editor.settled(g.id)).status).toBe('COMPLETED');
    expect(await filesOf(g.id)).toHaveLength(2);
    expect((await editor.delete(`/api/assets/${g.id}`)).status).toBe(204);
    expect(await filesOf(g.id)).toEqual([]);
  });

  it('an image used as the parent of another asset can be deleted; the child stays, without its parent', async () => {
    const parent = await editor.upload(box.id, await pngBytes(20, 20), 'parent.png').ok(201);
    const child = await insertAsset(gb, box.id, editor.id, { status: 'FAILED', parent_asset_id: parent.id, source_type: 'IMG2VID', type: 'VIDEO' });
    expect((await viewer.get<AssetDto>(`/api/assets/${child}`).ok()).parent_asset?.id).toBe(parent.id);
    expect((await editor.delete(`/api/assets/${parent.id}`)).status).toBe(204);
    const after = await viewer.get<AssetDto>(`/api/assets/${child}`).ok();
    expect([after.parent_asset_id, after.parent_asset]).toEqual([null, null]);
  });
});

describe('deleting a box', () => {
  it('removes every asset of the box with its stored files, and nothing of other boxes', async () => {
    const doomed = await sharedBox('Doomed');
    const kept = await sharedBox('Kept');
    const keep = await editor.upload(kept.id, await pngBytes(600, 600), 'keep.png').ok(201);
    const up = await editor.upload(doomed.id, await pngBytes(700, 300), 'a.png').ok(201);
    const g = await editor.post<AssetDto>(`/api/boxes/${doomed.id}/generate`, { prompt: 'gone soon', ai_model_id: modelId }).ok(202);
    expect((await editor.settled(g.id)).status).toBe('COMPLETED');
    const underDoomed = async () => (await gb.storedFiles()).filter((f) => f.startsWith(`boxes/${doomed.id}/`));
    expect(await underDoomed()).toHaveLength(4);

    expect((await editor.delete(`/api/boxes/${doomed.id}`)).status).toBe(204);
    expect(await underDoomed()).toEqual([]);
    expect(await gb.sql('SELECT id FROM assets WHERE box_id = $1', [doomed.id])).toEqual([]);
    for (const id of [up.id, g.id]) expect((await editor.get(`/api/assets/${id}`)).status).toBe(404);
    expect((await fetch(up.file_url!)).status).toBe(404);
    expect(await filesOf(keep.id)).toHaveLength(2);
    expect((await fetch(keep.file_url!)).status).toBe(200);
  });
});
