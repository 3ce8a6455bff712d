import type { AssetDto, AssetPage, BoxDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, loginAdmin } from '../faults/fault-kit.js';
import { type TestGenbox, type UserClient, insertAsset, startTestGenbox } from '../harness.js';

// The list's cards are JSON written as text from plain columns (asset-list.json.ts); every other answer maps
// rows with AssetMapper. A card must read the same either way, whatever its row holds.
let gb: TestGenbox;
let admin: UserClient, member: UserClient;
let box: BoxDto;
const ids: string[] = [];

const HOUR = 3600_000;
const at = (s: string) => new Date(s);

beforeAll(async () => {
  gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
  admin = await loginAdmin(gb);
  member = await gb.newUser('Mira');
  // a name JSON must escape
  await gb.sql('UPDATE users SET display_name = $1 WHERE id = $2', ['Mira "the quoted" \\ Müller\t', member.id]);
  box = await member.createBox('Cards');
  await member.post(`/api/boxes/${box.id}/members`, { email: ADMIN.email, role: 'viewer' }).ok(201);
  const model = (await member.model('local-image')).id;
  const add = async (fields: Record<string, unknown>) => {
    const id = await insertAsset(gb, box.id, member.id, { created_at: at(`2026-03-01T10:00:${String(ids.length).padStart(2, '0')}.123456Z`), ...fields });
    ids.push(id);
    return id;
  };
  const parent = await add({
    status: 'COMPLETED', model_id: model, storage_key: 'k/p.png', thumbnail_key: 'k/p.webp', mime_type: 'image/png', size_bytes: 123456789012,
    width: 1600, height: 900, progress: 100, started_at: at('2026-03-01T10:00:00.000999Z'), completed_at: at('2026-03-01T10:00:01.999999Z'),
    prompt: 'quotes " and \\ backslash, tab\t, newline\n, bell \u0007, del \u007f, line sep \u2028, emoji 🌊, </script>, é',
    generation_config: JSON.stringify({ seed: 42, size: '1024x1024', nested: { list: [1, 2.5, -0.125, 1e21, true, null, 'a"b'] }, 'ключ': 'значение' }),
  });
  await add({ status: 'COMPLETED', type: 'VIDEO', parent_asset_id: parent, storage_key: 'k/v.mp4', thumbnail_key: null, mime_type: 'video/mp4', duration_s: 2.7, width: 1280, height: 720 });
  await add({ status: 'FAILED', error_code: 'provider_auth', error_message: 'HTTP 401 from the provider: "bad key"', provider_state: 'submitting:chain-1', attempts: 3 });
  await add({ status: 'FAILED', error_code: 'no_such_code_anywhere', error_message: 'raw words' });
  await add({ status: 'FAILED', error_code: null });
  await add({ status: 'CANCELED', provider_state: 'queued-at-provider', external_task_id: 'task-9' });
  await add({ status: 'PROCESSING', storage_key: 'k/early.png', thumbnail_key: 'k/early.webp', progress: 37, prompt: null });
  await add({ status: 'COMPLETED', storage_key: '', thumbnail_key: '', parent_asset_id: parent });
  await add({ status: 'PENDING', created_by: null, generation_config: '{}' });
});
afterAll(() => gb?.stop());

/** The list's cards and each asset as GET /api/assets/:id maps it, read within one URL-signing hour. */
async function bothWays(u: UserClient): Promise<{ listed: AssetDto[]; single: AssetDto[]; contentType: string | null }> {
  for (;;) {
    const hour = Math.floor(Date.now() / HOUR);
    const r = await u.get<AssetPage>(`/api/boxes/${box.id}/assets?limit=50`);
    expect(r.status).toBe(200);
    const single = await Promise.all(r.body.items.map((a) => u.get<AssetDto>(`/api/assets/${a.id}`).ok()));
    if (Math.floor(Date.now() / HOUR) === hour) return { listed: r.body.items, single, contentType: r.headers.get('content-type') };
  }
}

describe('the list page\'s cards, written as text', () => {
  it('read exactly as the single asset does, for every kind of row (member: no raw failure words)', async () => {
    const { listed, single, contentType } = await bothWays(member);
    expect(contentType).toBe('application/json; charset=utf-8');
    expect(listed.map((a) => a.id).sort()).toEqual([...ids].sort());
    expect(listed).toEqual(single);
    const failed = listed.find((a) => a.error_code === 'provider_auth')!;
    expect(failed.error_message).toBeNull();
    expect(failed.provider_state).toBe('submitting');
    expect(failed.failure).not.toBeNull();
    const child = listed.find((a) => a.type === 'VIDEO')!;
    expect(child.parent_asset?.file_url).toMatch(/\/api\/assets\/[0-9a-f-]{36}\/file\?exp=\d+&sig=/);
    expect(child.thumbnail_url).toBeNull();
    expect(listed.find((a) => a.created_by === null)).toBeDefined();
  });

  it('read exactly as the single asset does for an admin, who sees the provider\'s words', async () => {
    const { listed, single } = await bothWays(admin);
    expect(listed).toEqual(single);
    expect(listed.find((a) => a.error_code === 'provider_auth')!.error_message).toBe('HTTP 401 from the provider: "bad key"');
  });

  it('dates keep milliseconds cut as the single asset does, and the cursor walks on from the last card', async () => {
    const first = await member.get<AssetPage>(`/api/boxes/${box.id}/assets?limit=4`).ok();
    expect(first.items.map((a) => a.created_at)).toEqual(['2026-03-01T10:00:08.123Z', '2026-03-01T10:00:07.123Z', '2026-03-01T10:00:06.123Z', '2026-03-01T10:00:05.123Z']);
    expect(first.total).toBe(ids.length);
    const second = await member.get<AssetPage>(`/api/boxes/${box.id}/assets?limit=4&cursor=${first.next_cursor}`).ok();
    expect(second.total).toBeNull();
    expect(second.items[0]!.created_at).toBe('2026-03-01T10:00:04.123Z');
  });
});
