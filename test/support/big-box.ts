import type { UserClient } from '../../apps/server/test/harness.js';
import { pngBytes } from '../../apps/server/test/harness.js';
import { type SeedAssetsOptions, seedAssets } from './seed-assets.js';

type Sql = (query: string, params?: unknown[]) => Promise<unknown[]>;

/**
 * A box of `count` assets for browser tests and the bench: three real uploads of different shapes
 * (so thumbnails load and rows keep their aspect ratios), then the rest as rows straight in SQL
 * pointing at those files. Returns the ids of the newest and the oldest asset.
 */
export async function bigBox(sql: Sql, owner: UserClient, boxId: string, count: number, modelIds: string[] = []): Promise<{ newest: string; oldest: string }> {
  const files: SeedAssetsOptions['files'] = [];
  for (const [w, h, color] of [[320, 180, { r: 60, g: 120, b: 200 }], [200, 260, { r: 220, g: 140, b: 40 }], [240, 240, { r: 90, g: 170, b: 90 }]] as const) {
    const a = await owner.upload(boxId, await pngBytes(w, h, color), `seed-${w}x${h}.png`).ok(201);
    const [row] = (await sql('SELECT storage_key, thumbnail_key, mime_type FROM assets WHERE id = $1', [a.id])) as { storage_key: string; thumbnail_key: string | null; mime_type: string }[];
    files.push({ storage_key: row!.storage_key, thumbnail_key: row!.thumbnail_key, width: w, height: h, mime_type: row!.mime_type, type: 'IMAGE' });
  }
  // the uploads are newer than every seeded row: put them among the oldest so the seeded rows lead
  await sql(`UPDATE assets SET created_at = '2020-01-01T00:00:00Z'::timestamptz + (random() * interval '1 second') WHERE box_id = $1`, [boxId]);
  await seedAssets(sql, { boxId, userIds: [owner.id], modelIds, count: count - 3, files, newest: new Date(Date.now() - 60_000) });
  const [newest] = (await sql('SELECT id FROM assets WHERE box_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1', [boxId])) as { id: string }[];
  const [oldest] = (await sql('SELECT id FROM assets WHERE box_id = $1 ORDER BY created_at ASC, id ASC LIMIT 1', [boxId])) as { id: string }[];
  return { newest: newest!.id, oldest: oldest!.id };
}
