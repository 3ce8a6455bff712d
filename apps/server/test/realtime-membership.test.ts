import type { ModelDto } from '@genbox/contracts';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BoxGateway } from '../src/boxes/box.gateway.js';
import { type TestGenbox, type UserClient, connected, joinBox, pngBytes, recordEvents, startTestGenbox, until } from './harness.js';

let gb: TestGenbox;
let owner: UserClient;
let image: ModelDto;
const sockets: Socket[] = [];

beforeAll(async () => {
  gb = await startTestGenbox();
  owner = await gb.newUser('owner');
  image = await owner.model('local-image');
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

describe('membership is live', () => {
  it('an invited user hears of the box at once, before joining it, with their role', async () => {
    const guest = await gb.newUser('guest');
    const box = await owner.createBox('Invite me');
    const s = await open(guest);
    const heard = recordEvents(s);

    await owner.post(`/api/boxes/${box.id}/members`, { email: guest.email, role: 'editor' }).ok(201);
    const [e] = await until(() => heard.filter((m) => m.event === 'member.changed'), (l) => l.length === 1, 5000, 'the invite');
    expect(e!.payload).toMatchObject({ box_id: box.id, user_id: guest.id, member: { user_id: guest.id, role: 'editor' } });
    const { items } = await guest.get('/api/boxes').ok();
    expect(items.map((b: { id: string }) => b.id)).toContain(box.id);

    // and a role change reaches them the same way
    await owner.patch(`/api/boxes/${box.id}/members/${guest.id}`, { role: 'viewer' }).ok();
    await until(() => heard.filter((m) => m.event === 'member.changed'), (l) => l.length === 2, 5000, 'the role change');
    expect(heard.at(-1)!.payload.member.role).toBe('viewer');
  });

  it('a removed member leaves the room at once: told so, then hears nothing more of the box', async () => {
    const guest = await gb.newUser('removed');
    const box = await owner.createBox('Remove me');
    await owner.post(`/api/boxes/${box.id}/members`, { email: guest.email, role: 'viewer' }).ok(201);
    const [mine, theirs] = [await open(owner), await open(guest)];
    const ownerHeard = recordEvents(mine);
    const guestHeard = recordEvents(theirs);
    expect(await joinBox(mine, box.id)).toMatchObject({ ok: true });
    expect(await joinBox(theirs, box.id)).toMatchObject({ ok: true });

    await owner.delete(`/api/boxes/${box.id}/members/${guest.id}`).ok(204);
    await until(() => guestHeard, (g) => g.some((m) => m.event === 'member.changed' && m.payload.member === null), 5000, 'the removal');

    const a = await owner.upload(box.id, await pngBytes()).ok(201);
    await owner.patch(`/api/boxes/${box.id}`, { name: 'Secret plans' }).ok();
    await until(() => ownerHeard, (g) => g.some((m) => m.event === 'box.updated'), 5000, 'the owner to hear the rename');
    const afterRemoval = guestHeard.slice(guestHeard.findIndex((m) => m.event === 'member.changed' && m.payload.member === null) + 1);
    expect(afterRemoval.filter((m) => m.payload?.box_id === box.id && m.event !== 'presence.changed')).toEqual([]);
    expect(guestHeard.some((m) => m.payload?.asset?.id === a.id || m.payload?.box?.name === 'Secret plans')).toBe(false);
    // the owner's presence no longer lists them
    await until(() => ownerHeard.filter((m) => m.event === 'presence.changed').at(-1)?.payload.presence, (p) => p?.length === 1, 5000, 'presence without the removed member');
    expect(await joinBox(theirs, box.id)).toMatchObject({ ok: false, error: { statusCode: 404 } });
  });

  it('a deleted box is gone for everyone at once: each member is told, even off the board, and its room is empty', async () => {
    const [onBoard, offBoard] = [await gb.newUser('on-board'), await gb.newUser('off-board')];
    const box = await owner.createBox('Short-lived');
    for (const u of [onBoard, offBoard]) await owner.post(`/api/boxes/${box.id}/members`, { email: u.email, role: 'editor' }).ok(201);
    const [watching, listing] = [await open(onBoard), await open(offBoard)];
    const [watched, listed] = [recordEvents(watching), recordEvents(listing)];
    expect(await joinBox(watching, box.id)).toMatchObject({ ok: true });

    expect((await owner.delete(`/api/boxes/${box.id}`)).status).toBe(204);
    for (const [heard, who] of [[watched, 'the member on the board'], [listed, 'the member on their list']] as const) {
      await until(() => heard, (h) => h.some((m) => m.event === 'box.deleted' && m.payload.box_id === box.id), 5000, `${who} to hear the deletion`);
    }
    // the room was emptied, and joining again is refused
    const inRoom = async () => (await gb.app.get(BoxGateway).server.in(`box:${box.id}`).fetchSockets()).length;
    for (let i = 0; i < 50 && (await inRoom()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await inRoom()).toBe(0);
    expect(await joinBox(watching, box.id)).toMatchObject({ ok: false, error: { statusCode: 404 } });
  });

  it('a role change takes effect on the next action: a demoted editor cannot generate, a promoted viewer can', async () => {
    const editor = await gb.newUser('editor');
    const box = await owner.createBox('Roles');
    await owner.post(`/api/boxes/${box.id}/members`, { email: editor.email, role: 'editor' }).ok(201);
    const body = { prompt: 'a kite', ai_model_id: image.id };
    await editor.post(`/api/boxes/${box.id}/generate`, body).ok(202);

    await owner.patch(`/api/boxes/${box.id}/members/${editor.id}`, { role: 'viewer' }).ok();
    const refused = await editor.post(`/api/boxes/${box.id}/generate`, body);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ statusCode: 403, error: 'forbidden' });
    expect((await editor.upload(box.id, await pngBytes())).status).toBe(403);
    // still a reader
    await editor.get(`/api/boxes/${box.id}/assets`).ok();

    await owner.patch(`/api/boxes/${box.id}/members/${editor.id}`, { role: 'editor' }).ok();
    await editor.post(`/api/boxes/${box.id}/generate`, body).ok(202);
  });
});
