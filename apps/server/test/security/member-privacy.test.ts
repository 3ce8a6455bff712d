import type { AuthResponse, InvitationDto, MemberDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, type UserClient, connected, joinBox, recordEvents, startTestGenbox, until } from '../harness.js';
import { SseReader } from '../sse-reader.js';

/*
 * What a member may see of the others: names and roles for everyone, email addresses only for the
 * box's owners, in REST answers and in every socket or SSE event. Inviting an email nobody has
 * registered does not say so (no 404): it leaves an invitation that a later sign-up claims.
 */

let gb: TestGenbox;
let owner: UserClient, editor: UserClient, viewer: UserClient;

beforeAll(async () => {
  gb = await startTestGenbox();
  [owner, editor, viewer] = await Promise.all([gb.newUser('owner'), gb.newUser('editor'), gb.newUser('viewer')]);
});
afterAll(() => gb?.stop());

const emailsIn = (x: unknown) => JSON.stringify(x).match(/[\w.+-]+@example\.com/g) ?? [];

describe("members' email addresses", () => {
  it('viewers and editors see names and roles but no email; owners see emails', async () => {
    const box = await owner.createBox('Private emails');
    await owner.post(`/api/boxes/${box.id}/members`, { email: editor.email, role: 'editor' }).ok(201);
    await owner.post(`/api/boxes/${box.id}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
    for (const u of [viewer, editor]) {
      const { items } = await u.get<{ items: MemberDto[] }>(`/api/boxes/${box.id}/members`).ok();
      expect(items.map((m) => m.display_name).sort()).toEqual(['editor', 'owner', 'viewer']);
      expect(emailsIn(items)).toEqual([]);
      expect(emailsIn(await u.get(`/api/boxes/${box.id}`).ok())).toEqual([]);
    }
    const { items } = await owner.get<{ items: MemberDto[] }>(`/api/boxes/${box.id}/members`).ok();
    expect(items.find((m) => m.user_id === viewer.id)).toMatchObject({ email: viewer.email, display_name: 'viewer', role: 'viewer' });
  });

  it('member events on sockets and over SSE carry no email, whoever listens', async () => {
    const box = await owner.createBox('Quiet events');
    await owner.post(`/api/boxes/${box.id}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
    const s = await connected(viewer.socket());
    const heard = recordEvents(s);
    const ack = await joinBox(s, box.id);
    expect(emailsIn(ack)).toEqual([]);
    const sse = await SseReader.open(`${gb.url}/api/boxes/${box.id}/events`, { authorization: `Bearer ${owner.token}` });
    await until(() => sse.events, (e) => e.length >= 1, 5000, 'the stream to open');

    const added = await owner.post<MemberDto>(`/api/boxes/${box.id}/members`, { email: editor.email, role: 'editor' }).ok(201);
    expect(added.email).toBe(editor.email); // the owner's own answer may name it
    await owner.patch(`/api/boxes/${box.id}/members/${editor.id}`, { role: 'viewer' }).ok();
    const changes = await until(() => heard.filter((m) => m.event === 'member.changed'), (l) => l.length >= 2, 5000, 'two member events on the socket');
    expect(changes.map((m) => m.payload.member)).toEqual([
      { user_id: editor.id, display_name: 'editor', role: 'editor' },
      { user_id: editor.id, display_name: 'editor', role: 'viewer' },
    ]);
    await until(() => sse.events, (e) => e.filter((m) => m.event === 'member.changed').length >= 2, 5000, 'two member events over SSE');
    expect(emailsIn(sse.events)).toEqual([]);
    expect(emailsIn(heard)).toEqual([]);
    sse.close();
    s.disconnect();
  });
});

describe('inviting an email without an account', () => {
  it('leaves a pending invitation (no 404), listed for owners only, that becomes a membership when that email signs up', async () => {
    const box = await owner.createBox('Invitations');
    await owner.post(`/api/boxes/${box.id}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
    const email = `newcomer-${Date.now().toString(36)}@example.com`;
    const invited = await owner.post<InvitationDto>(`/api/boxes/${box.id}/members`, { email: email.toUpperCase(), role: 'editor' }).ok(201);
    expect(invited).toMatchObject({ email, role: 'editor', invited_by: owner.id });
    expect(await gb.sql('SELECT email, role FROM box_invitations WHERE box_id = $1', [box.id])).toEqual([{ email, role: 'editor' }]);
    // the same email again changes the pending role, not the count
    await owner.post(`/api/boxes/${box.id}/members`, { email, role: 'viewer' }).ok(201);
    const { items } = await owner.get<{ items: InvitationDto[] }>(`/api/boxes/${box.id}/invitations`).ok();
    expect(items).toEqual([expect.objectContaining({ id: invited.id, email, role: 'viewer' })]);
    expect((await viewer.get(`/api/boxes/${box.id}/invitations`)).status).toBe(403);

    const s = await connected(owner.socket());
    const heard = recordEvents(s);
    await joinBox(s, box.id);
    const auth = await gb.client.post<AuthResponse>('/api/auth/register', { email, password: 'correct horse battery', display_name: 'Newcomer' }).ok(201);
    const { items: members } = await owner.get<{ items: MemberDto[] }>(`/api/boxes/${box.id}/members`).ok();
    expect(members.find((m) => m.user_id === auth.user.id)).toMatchObject({ role: 'viewer', email, display_name: 'Newcomer' });
    expect((await owner.get<{ items: InvitationDto[] }>(`/api/boxes/${box.id}/invitations`).ok()).items).toEqual([]);
    const told = await until(() => heard.filter((m) => m.event === 'member.changed'), (l) => l.length >= 1, 5000, 'the box to hear of the newcomer');
    expect(told[0]!.payload).toMatchObject({ user_id: auth.user.id, member: { display_name: 'Newcomer', role: 'viewer' } });
    expect(emailsIn(told)).toEqual([]);
    // the newcomer sees the box straight away
    const mine = await fetch(`${gb.url}/api/boxes`, { headers: { authorization: `Bearer ${auth.token}` } }).then((r) => r.json());
    expect(mine.items.map((b: { id: string }) => b.id)).toContain(box.id);
    s.disconnect();
  });

  it('an owner withdraws an invitation; nobody else can; the later sign-up then joins nothing', async () => {
    const box = await owner.createBox('Withdrawn');
    await owner.post(`/api/boxes/${box.id}/members`, { email: editor.email, role: 'editor' }).ok(201);
    const email = `withdrawn-${Date.now().toString(36)}@example.com`;
    const inv = await owner.post<InvitationDto>(`/api/boxes/${box.id}/members`, { email, role: 'editor' }).ok(201);
    expect((await editor.delete(`/api/boxes/${box.id}/invitations/${inv.id}`)).status).toBe(403);
    await owner.delete(`/api/boxes/${box.id}/invitations/${inv.id}`).ok(204);
    const again = await owner.delete(`/api/boxes/${box.id}/invitations/${inv.id}`);
    expect(again.status).toBe(404);
    expect((await owner.delete(`/api/boxes/${box.id}/invitations/not-an-id`)).status).toBe(404);
    const auth = await gb.client.post<AuthResponse>('/api/auth/register', { email, password: 'correct horse battery', display_name: 'Late' }).ok(201);
    expect(await gb.sql('SELECT 1 FROM box_members WHERE user_id = $1', [auth.user.id])).toEqual([]);
  });
});
