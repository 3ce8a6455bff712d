import type { AssetDto, BoxDto, MemberDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, type UserClient, insertAsset, pngBytes, startTestGenbox } from './harness.js';

/*
 * Who may do what in a box. The rule: an outsider gets 404 (as if the box did not exist), a
 * member whose role is too low gets 403 saying why, and a refused request changes nothing.
 */

let gb: TestGenbox;
let owner: UserClient, editor: UserClient, viewer: UserClient, outsider: UserClient;
let box: BoxDto;
let modelId: string;
let png: Buffer;

beforeAll(async () => {
  gb = await startTestGenbox();
  [owner, editor, viewer, outsider] = await Promise.all([gb.newUser('owner'), gb.newUser('editor'), gb.newUser('viewer'), gb.newUser('outsider')]);
  box = await owner.createBox('Shared');
  await owner.post(`/api/boxes/${box.id}/members`, { email: editor.email, role: 'editor' }).ok(201);
  await owner.post(`/api/boxes/${box.id}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
  modelId = (await owner.model('local-image')).id;
  png = await pngBytes();
});
afterAll(() => gb?.stop());

/** A box of its own for tests that change membership, with the given members invited. */
async function boxWith(members: { user: UserClient; role: 'owner' | 'editor' | 'viewer' }[], by = owner): Promise<BoxDto> {
  const b = await by.createBox('Scratch');
  for (const m of members) await by.post(`/api/boxes/${b.id}/members`, { email: m.user.email, role: m.role }).ok(201);
  return b;
}

const roles = (boxId: string) =>
  gb.sql<{ user_id: string; role: string }>('SELECT user_id, role FROM box_members WHERE box_id = $1 ORDER BY user_id', [boxId]);
const assetCount = async (boxId: string) => (await gb.sql('SELECT count(*)::int AS n FROM assets WHERE box_id = $1', [boxId]))[0].n as number;

function expectNotFound(r: { status: number; body: any }) {
  expect(r.status).toBe(404);
  expect(r.body).toMatchObject({ statusCode: 404, error: 'not_found' });
}
function expectForbidden(r: { status: number; body: any }, role: string) {
  expect(r.status).toBe(403);
  expect(r.body).toMatchObject({ statusCode: 403, error: 'forbidden' });
  expect(r.body.message).toContain(role);
}

describe('the box itself', () => {
  it('every member sees the box with their own role; an outsider is told it does not exist', async () => {
    for (const [u, role] of [[owner, 'owner'], [editor, 'editor'], [viewer, 'viewer']] as const) {
      expect(await u.get<BoxDto>(`/api/boxes/${box.id}`).ok()).toMatchObject({ id: box.id, name: 'Shared', role });
      const mine = await u.get<{ items: BoxDto[] }>('/api/boxes').ok();
      expect(mine.items.find((b) => b.id === box.id)?.role).toBe(role);
    }
    const asOutsider = await outsider.get(`/api/boxes/${box.id}`);
    expectNotFound(asOutsider);
    // the same answer as a box that really does not exist, so ids cannot be probed
    const missing = await outsider.get('/api/boxes/00000000-0000-4000-8000-000000000000');
    expect(missing.body).toEqual(asOutsider.body);
    expectNotFound(await outsider.get('/api/boxes/not-a-uuid'));
    expect((await outsider.get<{ items: BoxDto[] }>('/api/boxes').ok()).items.map((b) => b.id)).not.toContain(box.id);
  });

  it('only an owner renames a box; editors and viewers are refused, outsiders see no box, and the name stays', async () => {
    expectForbidden(await editor.patch(`/api/boxes/${box.id}`, { name: 'Mine now' }), 'editor');
    expectForbidden(await viewer.patch(`/api/boxes/${box.id}`, { name: 'Mine now' }), 'viewer');
    expectNotFound(await outsider.patch(`/api/boxes/${box.id}`, { name: 'Mine now' }));
    const [row] = await gb.sql('SELECT name, event_seq FROM boxes WHERE id = $1', [box.id]);
    expect(row.name).toBe('Shared');

    const blank = await owner.patch(`/api/boxes/${box.id}`, { name: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.body.message).toContain('name');

    const renamed = await owner.patch<BoxDto>(`/api/boxes/${box.id}`, { name: 'Shared, renamed' }).ok();
    expect(renamed).toMatchObject({ name: 'Shared, renamed', role: 'owner' });
    expect(renamed.seq).toBe(Number(row.event_seq) + 1);
    expect((await viewer.get<BoxDto>(`/api/boxes/${box.id}`).ok()).name).toBe('Shared, renamed');
    await owner.patch(`/api/boxes/${box.id}`, { name: 'Shared' }).ok();
  });

  it('only an owner deletes a box; a refused delete leaves it whole, a real one takes it away from everyone', async () => {
    const b = await boxWith([{ user: editor, role: 'editor' }, { user: viewer, role: 'viewer' }]);
    const up = await editor.upload(b.id, png, 'a.png').ok(201);
    expectForbidden(await editor.delete(`/api/boxes/${b.id}`), 'editor');
    expectForbidden(await viewer.delete(`/api/boxes/${b.id}`), 'viewer');
    expectNotFound(await outsider.delete(`/api/boxes/${b.id}`));
    expect(await roles(b.id)).toHaveLength(3);
    expect(await assetCount(b.id)).toBe(1);
    expect((await viewer.get<AssetDto>(`/api/assets/${up.id}`).ok()).status).toBe('COMPLETED');

    expect((await owner.delete(`/api/boxes/${b.id}`)).status).toBe(204);
    for (const u of [owner, editor, viewer]) expectNotFound(await u.get(`/api/boxes/${b.id}`));
    expectNotFound(await owner.get(`/api/assets/${up.id}`));
    expect(await gb.sql('SELECT 1 FROM boxes WHERE id = $1', [b.id])).toEqual([]);
    expect(await roles(b.id)).toEqual([]);
    expect((await gb.storedFiles()).filter((f) => f.includes(b.id))).toEqual([]);
  });
});

describe('members', () => {
  it('every member can see who else is in the box; an outsider cannot', async () => {
    for (const u of [owner, editor, viewer]) {
      const { items } = await u.get<{ items: MemberDto[] }>(`/api/boxes/${box.id}/members`).ok();
      expect(items.map((m) => [m.user_id, m.role]).sort()).toEqual([[owner.id, 'owner'], [editor.id, 'editor'], [viewer.id, 'viewer']].sort());
      expect(items.find((m) => m.user_id === editor.id)).toMatchObject({ display_name: 'editor' });
      // email addresses are for owners only
      expect(items.every((m) => (u === owner ? typeof m.email === 'string' : m.email === undefined))).toBe(true);
    }
    expectNotFound(await outsider.get(`/api/boxes/${box.id}/members`));
  });

  it('an owner invites people by email, in any case, as editor by default or with the role given', async () => {
    const b = await boxWith([]);
    const added = await owner.post<MemberDto>(`/api/boxes/${b.id}/members`, { email: editor.email.toUpperCase() }).ok(201);
    expect(added).toMatchObject({ user_id: editor.id, role: 'editor', email: editor.email });
    await owner.post(`/api/boxes/${b.id}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
    expect((await viewer.get<BoxDto>(`/api/boxes/${b.id}`).ok()).role).toBe('viewer');
    expect((await editor.get<{ items: BoxDto[] }>('/api/boxes').ok()).items.map((x) => x.id)).toContain(b.id);
  });

  it('inviting a member again is a conflict, bad input is a 400; neither changes anyone', async () => {
    const b = await boxWith([{ user: viewer, role: 'viewer' }]);
    const before = await roles(b.id);

    const again = await owner.post(`/api/boxes/${b.id}/members`, { email: viewer.email, role: 'owner' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'conflict' });
    expect(again.body.message).toContain('already a member');

    const self = await owner.post(`/api/boxes/${b.id}/members`, { email: owner.email, role: 'viewer' });
    expect(self.status).toBe(409);

    const bad = await owner.post(`/api/boxes/${b.id}/members`, { email: 'not an email', role: 'editor' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('email');
    const badRole = await owner.post(`/api/boxes/${b.id}/members`, { email: outsider.email, role: 'admin' });
    expect(badRole.status).toBe(400);
    expect(badRole.body.message).toContain('role');
    expect(await roles(b.id)).toEqual(before);
  });

  it('only an owner invites: editors and viewers are refused, outsiders see no box, and nobody is added', async () => {
    const before = await roles(box.id);
    expectForbidden(await editor.post(`/api/boxes/${box.id}/members`, { email: outsider.email, role: 'viewer' }), 'editor');
    expectForbidden(await viewer.post(`/api/boxes/${box.id}/members`, { email: outsider.email, role: 'viewer' }), 'viewer');
    // an outsider cannot invite themself in
    expectNotFound(await outsider.post(`/api/boxes/${box.id}/members`, { email: outsider.email, role: 'owner' }));
    expect(await roles(box.id)).toEqual(before);
    expectNotFound(await outsider.get(`/api/boxes/${box.id}`));
  });

  it('an owner changes roles, and the new role takes effect at once', async () => {
    const b = await boxWith([{ user: editor, role: 'editor' }]);
    const demoted = await owner.patch<MemberDto>(`/api/boxes/${b.id}/members/${editor.id}`, { role: 'viewer' }).ok();
    expect(demoted).toMatchObject({ user_id: editor.id, role: 'viewer' });
    expectForbidden(await editor.upload(b.id, png, 'x.png'), 'viewer');
    // setting the role it already has is fine and changes nothing
    expect(await owner.patch<MemberDto>(`/api/boxes/${b.id}/members/${editor.id}`, { role: 'viewer' }).ok()).toMatchObject({ role: 'viewer' });
    await owner.patch(`/api/boxes/${b.id}/members/${editor.id}`, { role: 'editor' }).ok();
    await editor.upload(b.id, png, 'x.png').ok(201);
  });

  it('only an owner changes roles: an editor cannot promote themself, a viewer cannot, an outsider sees no box', async () => {
    const before = await roles(box.id);
    expectForbidden(await editor.patch(`/api/boxes/${box.id}/members/${editor.id}`, { role: 'owner' }), 'editor');
    expectForbidden(await viewer.patch(`/api/boxes/${box.id}/members/${viewer.id}`, { role: 'editor' }), 'viewer');
    expectForbidden(await editor.patch(`/api/boxes/${box.id}/members/${owner.id}`, { role: 'viewer' }), 'editor');
    expectNotFound(await outsider.patch(`/api/boxes/${box.id}/members/${viewer.id}`, { role: 'owner' }));
    expect(await roles(box.id)).toEqual(before);
  });

  it('changing the role of someone who is not a member is 404; a bad role or user id is 400', async () => {
    const before = await roles(box.id);
    const notMember = await owner.patch(`/api/boxes/${box.id}/members/${outsider.id}`, { role: 'viewer' });
    expectNotFound(notMember);
    expect(notMember.body.message).toMatch(/not a member/);
    const badRole = await owner.patch(`/api/boxes/${box.id}/members/${viewer.id}`, { role: 'superuser' });
    expect(badRole.status).toBe(400);
    expect(badRole.body.message).toContain('role');
    const badId = await owner.patch(`/api/boxes/${box.id}/members/not-a-user`, { role: 'viewer' });
    expect(badId.status).toBe(400);
    expect(await roles(box.id)).toEqual(before);
  });

  it('the last owner can be neither demoted nor removed, not even by themself; with a second owner they can', async () => {
    const b = await boxWith([{ user: editor, role: 'editor' }]);
    const demote = await owner.patch(`/api/boxes/${b.id}/members/${owner.id}`, { role: 'editor' });
    expect(demote.status).toBe(409);
    expect(demote.body.message).toMatch(/at least one owner/);
    const leave = await owner.delete(`/api/boxes/${b.id}/members/${owner.id}`);
    expect(leave.status).toBe(409);
    expect(leave.body.message).toMatch(/at least one owner/);
    expect((await roles(b.id)).find((r) => r.user_id === owner.id)?.role).toBe('owner');

    await owner.patch(`/api/boxes/${b.id}/members/${editor.id}`, { role: 'owner' }).ok();
    // the new owner may now demote the first one, who loses the owner's powers at once
    await editor.patch(`/api/boxes/${b.id}/members/${owner.id}`, { role: 'viewer' }).ok();
    expectForbidden(await owner.patch(`/api/boxes/${b.id}`, { name: 'x' }), 'viewer');
    expect((await editor.delete(`/api/boxes/${b.id}/members/${editor.id}`)).status).toBe(409);
    // and two owners: either may step down while the other stays
    await editor.patch(`/api/boxes/${b.id}/members/${owner.id}`, { role: 'owner' }).ok();
    expect((await editor.delete(`/api/boxes/${b.id}/members/${editor.id}`)).status).toBe(204);
    expect(await roles(b.id)).toEqual([{ user_id: owner.id, role: 'owner' }]);
  });

  it('two owners stepping down at the same moment still leave the box with an owner', async () => {
    for (let i = 0; i < 5; i++) {
      const b = await boxWith([{ user: editor, role: 'owner' }]);
      const [a, c] = await Promise.all([
        owner.patch(`/api/boxes/${b.id}/members/${owner.id}`, { role: 'editor' }),
        editor.delete(`/api/boxes/${b.id}/members/${editor.id}`),
      ]);
      // one of them goes through (200 or 204), the other is told the box needs an owner
      expect([a.status === 409, c.status === 409].filter(Boolean)).toHaveLength(1);
      expect((await roles(b.id)).filter((r) => r.role === 'owner')).toHaveLength(1);
    }
  });

  it('an owner removes a member, who loses access at once', async () => {
    const b = await boxWith([{ user: editor, role: 'editor' }, { user: viewer, role: 'viewer' }]);
    expect((await owner.delete(`/api/boxes/${b.id}/members/${viewer.id}`)).status).toBe(204);
    expectNotFound(await viewer.get(`/api/boxes/${b.id}`));
    expectNotFound(await viewer.get(`/api/boxes/${b.id}/assets`));
    expectNotFound(await owner.delete(`/api/boxes/${b.id}/members/${viewer.id}`));
    expect((await roles(b.id)).map((r) => r.user_id).sort()).toEqual([owner.id, editor.id].sort());
  });

  it('only an owner removes someone else: editors and viewers are refused, outsiders see no box, and nobody leaves', async () => {
    const before = await roles(box.id);
    expectForbidden(await editor.delete(`/api/boxes/${box.id}/members/${viewer.id}`), 'editor');
    expectForbidden(await viewer.delete(`/api/boxes/${box.id}/members/${editor.id}`), 'viewer');
    expectForbidden(await editor.delete(`/api/boxes/${box.id}/members/${owner.id}`), 'editor');
    expectNotFound(await outsider.delete(`/api/boxes/${box.id}/members/${viewer.id}`));
    expectNotFound(await outsider.delete(`/api/boxes/${box.id}/members/${outsider.id}`));
    expect(await roles(box.id)).toEqual(before);
  });

  it('anyone can leave a box: a viewer or an editor removes themself and no longer sees it', async () => {
    const b = await boxWith([{ user: editor, role: 'editor' }, { user: viewer, role: 'viewer' }]);
    for (const u of [viewer, editor]) {
      expect((await u.delete(`/api/boxes/${b.id}/members/${u.id}`)).status).toBe(204);
      expectNotFound(await u.get(`/api/boxes/${b.id}`));
      expect((await u.get<{ items: BoxDto[] }>('/api/boxes').ok()).items.map((x) => x.id)).not.toContain(b.id);
    }
    expect(await roles(b.id)).toEqual([{ user_id: owner.id, role: 'owner' }]);
  });
});

describe('assets in a box, by role', () => {
  it('every member lists the assets; an outsider sees no box', async () => {
    await owner.upload(box.id, png, 'list.png').ok(201);
    for (const u of [owner, editor, viewer]) {
      const page = await u.get<{ items: AssetDto[] }>(`/api/boxes/${box.id}/assets`).ok();
      expect(page.items.length).toBeGreaterThan(0);
    }
    expectNotFound(await outsider.get(`/api/boxes/${box.id}/assets`));
  });

  it('editors and owners upload; a viewer is refused, an outsider sees no box, and neither stores anything', async () => {
    const filesBefore = await gb.storedFiles();
    const countBefore = await assetCount(box.id);
    expectForbidden(await viewer.upload(box.id, png, 'v.png'), 'viewer');
    expectNotFound(await outsider.upload(box.id, png, 'o.png'));
    expect(await assetCount(box.id)).toBe(countBefore);
    expect(await gb.storedFiles()).toEqual(filesBefore);

    for (const u of [editor, owner]) {
      const a = await u.upload(box.id, png, 'e.png').ok(201);
      expect(a).toMatchObject({ status: 'COMPLETED', source_type: 'UPLOADED', created_by: { id: u.id, display_name: u.name } });
    }
    expect(await assetCount(box.id)).toBe(countBefore + 2);
  });

  it('an editor starts a generation with the local model and it finishes; a viewer cannot start one, nor an outsider', async () => {
    const countBefore = await assetCount(box.id);
    const body = { prompt: 'a lighthouse in fog', ai_model_id: modelId };
    expectForbidden(await viewer.post(`/api/boxes/${box.id}/generate`, body), 'viewer');
    expectNotFound(await outsider.post(`/api/boxes/${box.id}/generate`, body));
    expect(await assetCount(box.id)).toBe(countBefore);

    const started = await editor.post<AssetDto>(`/api/boxes/${box.id}/generate`, body).ok(202);
    expect(started).toMatchObject({ status: 'PENDING', source_type: 'GENERATED', prompt: 'a lighthouse in fog', ai_model_id: modelId, created_by: { id: editor.id } });
    const done = await viewer.settled(started.id);
    expect(done).toMatchObject({ status: 'COMPLETED', type: 'IMAGE', mime_type: expect.stringMatching(/^image\//) });
    expect(done.file_url).toBeTruthy();
    expect(await assetCount(box.id)).toBe(countBefore + 1);
  });

  it('editors cancel a running generation; a viewer or an outsider cannot, and it keeps running', async () => {
    const id = await insertAsset(gb, box.id, editor.id, { model_id: modelId, status: 'PROCESSING' });
    expectForbidden(await viewer.post(`/api/assets/${id}/cancel`), 'viewer');
    expectNotFound(await outsider.post(`/api/assets/${id}/cancel`));
    expect((await viewer.get<AssetDto>(`/api/assets/${id}`).ok()).status).toBe('PROCESSING');

    const canceled = await editor.post<AssetDto>(`/api/assets/${id}/cancel`).ok(200);
    expect(canceled.status).toBe('CANCELED');
    const twice = await editor.post(`/api/assets/${id}/cancel`);
    expect(twice.status).toBe(409);
    expect(twice.body.message).toContain('CANCELED');
  });

  it('editors retry a failed generation, which then runs again; a viewer or an outsider cannot, and it stays failed', async () => {
    const id = await insertAsset(gb, box.id, editor.id, { model_id: modelId, status: 'FAILED', error_code: 'provider_task_failed', error_message: 'boom', attempts: 1 });
    expectForbidden(await viewer.post(`/api/assets/${id}/retry`), 'viewer');
    expectNotFound(await outsider.post(`/api/assets/${id}/retry`));
    // the provider's raw words are for admins; the viewer reads the sentence
    expect(await viewer.get<AssetDto>(`/api/assets/${id}`).ok()).toMatchObject({ status: 'FAILED', error_message: null, failure: { fixed_by: 'retry' }, attempts: 1 });

    const retried = await editor.post<AssetDto>(`/api/assets/${id}/retry`).ok(202);
    expect(retried).toMatchObject({ status: 'PENDING', error_message: null, attempts: 2 });
    expect((await editor.settled(id)).status).toBe('COMPLETED');
    // a finished asset has nothing to retry
    expect((await editor.post(`/api/assets/${id}/retry`)).status).toBe(409);
  });

  it('an uploaded asset cannot be retried or canceled', async () => {
    const a = await editor.upload(box.id, png, 'u.png').ok(201);
    expect((await editor.post(`/api/assets/${a.id}/retry`)).status).toBe(409);
    expect((await editor.post(`/api/assets/${a.id}/cancel`)).status).toBe(409);
    expect((await editor.get<AssetDto>(`/api/assets/${a.id}`).ok()).status).toBe('COMPLETED');
  });

  it('members read one asset and download its file with their token; an outsider gets 404 for both', async () => {
    const a = await editor.upload(box.id, png, 'read.png').ok(201);
    for (const u of [owner, editor, viewer]) {
      expect((await u.get<AssetDto>(`/api/assets/${a.id}`).ok()).id).toBe(a.id);
      const res = await fetch(`${gb.url}/api/assets/${a.id}/file`, { headers: { authorization: `Bearer ${u.token}` } });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    }
    expectNotFound(await outsider.get(`/api/assets/${a.id}`));
    const res = await fetch(`${gb.url}/api/assets/${a.id}/file`, { headers: { authorization: `Bearer ${outsider.token}` } });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('PNG');
  });

  it('editors and owners delete an asset; a viewer or an outsider cannot, and it stays with its file', async () => {
    const a = await editor.upload(box.id, await pngBytes(600, 600), 'del.png').ok(201);
    const files = (await gb.storedFiles()).filter((f) => f.includes(a.id));
    expect(files.length).toBe(2); // the file and its thumbnail
    expectForbidden(await viewer.delete(`/api/assets/${a.id}`), 'viewer');
    expectNotFound(await outsider.delete(`/api/assets/${a.id}`));
    expect((await viewer.get<AssetDto>(`/api/assets/${a.id}`).ok()).status).toBe('COMPLETED');
    expect((await gb.storedFiles()).filter((f) => f.includes(a.id))).toEqual(files);

    expect((await editor.delete(`/api/assets/${a.id}`)).status).toBe(204);
    expectNotFound(await viewer.get(`/api/assets/${a.id}`));
    const b = await owner.upload(box.id, png, 'del2.png').ok(201);
    expect((await owner.delete(`/api/assets/${b.id}`)).status).toBe(204);
    expect((await gb.storedFiles()).filter((f) => f.includes(a.id) || f.includes(b.id))).toEqual([]);
  });

  it('an asset of one box cannot be reached through membership of another', async () => {
    const theirs = await outsider.createBox('Elsewhere');
    const a = await outsider.upload(theirs.id, png, 'theirs.png').ok(201);
    // owner of "Shared" is no member of "Elsewhere"
    for (const r of [await owner.get(`/api/assets/${a.id}`), await owner.delete(`/api/assets/${a.id}`), await owner.post(`/api/assets/${a.id}/cancel`)]) expectNotFound(r);
    // nor can a generation in our box use it as its parent
    const g = await owner.post(`/api/boxes/${box.id}/generate`, { prompt: 'x', ai_model_id: modelId, parent_asset_id: a.id });
    expect(g.status).toBe(422);
    expect((await outsider.get<AssetDto>(`/api/assets/${a.id}`).ok()).status).toBe('COMPLETED');
  });
});
