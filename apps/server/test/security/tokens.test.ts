import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revocationCountKey } from '../../src/auth/token-revocations.js';
import { TokensRepository } from '../../src/auth/tokens.repository.js';
import { ADMIN, WorkerProcess, loginAdmin } from '../faults/fault-kit.js';
import { ApiClient, type TestGenbox, UserClient, connected, freePort, joinBox, startTestGenbox, until } from '../harness.js';
import { SseReader } from '../sse-reader.js';

let gb: TestGenbox;
let alice: UserClient;
const readers: SseReader[] = [];

beforeAll(async () => {
  gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
  alice = await gb.newUser('alice');
});
afterAll(async () => {
  readers.forEach((r) => r.close());
  await gb?.stop();
});

/** A client acting with a token made by `owner`. */
async function tokenOf(owner: UserClient, body: Record<string, unknown>): Promise<{ id: string; client: UserClient; body: any }> {
  const made = await owner.post('/api/auth/tokens', body).ok(201);
  return { id: made.id, body: made, client: new UserClient(gb.url, made.token, owner.id, owner.email, owner.name) };
}

async function sse(client: ApiClient, boxId: string) {
  const r = await SseReader.open(`${gb.url}/api/boxes/${boxId}/events`, { authorization: `Bearer ${client.token}` });
  readers.push(r);
  return r;
}

describe('tokens with scopes', () => {
  it('a read token reads; anything that writes is refused with 403 naming the write scope, and changes nothing', async () => {
    const box = await alice.createBox('Read me');
    const { client } = await tokenOf(alice, { name: 'dashboard', scopes: ['read'] });
    expect((await client.get(`/api/boxes/${box.id}`).ok()).name).toBe('Read me');
    const refused = await client.patch(`/api/boxes/${box.id}`, { name: 'Changed' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ statusCode: 403, error: 'missing_scope' });
    expect(refused.body.message).toContain('"write"');
    expect((await alice.get(`/api/boxes/${box.id}`).ok()).name).toBe('Read me');
  });

  it('admin routes need the admin scope; only admins may make such a token', async () => {
    const admin = await loginAdmin(gb);
    const plain = await tokenOf(admin, { name: 'ops script' });
    expect(plain.body.scopes).toEqual(['read', 'write']);
    const refused = await plain.client.get('/api/providers');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('"admin"');
    const withAdmin = await tokenOf(admin, { name: 'ops admin', scopes: ['read', 'admin'] });
    expect((await withAdmin.client.get('/api/providers')).status).toBe(200);

    const notAdmin = await alice.post('/api/auth/tokens', { name: 'sneaky', scopes: ['admin'] });
    expect(notAdmin.status).toBe(403);
    // and a token cannot make one with more than it has
    const { client: reader } = await tokenOf(alice, { name: 'reader', scopes: ['read'] });
    const wider = await reader.post('/api/auth/tokens', { name: 'wider', scopes: ['read', 'write'] });
    expect(wider.status).toBe(403);
    expect(wider.body.message).toContain('"write"');
  });

  it('a token limited to one box sees and changes only that box, on REST, SSE and sockets', async () => {
    const [mine, other] = [await alice.createBox('Allowed'), await alice.createBox('Not for the script')];
    const { client } = await tokenOf(alice, { name: 'one box', scopes: ['read', 'write'], box_ids: [mine.id] });
    expect((await client.get('/api/boxes').ok()).items.map((b: { id: string }) => b.id)).toEqual([mine.id]);
    expect((await client.patch(`/api/boxes/${mine.id}`, { name: 'Allowed, renamed' })).status).toBe(200);
    for (const res of [await client.get(`/api/boxes/${other.id}`), await client.get(`/api/boxes/${other.id}/assets`), await client.patch(`/api/boxes/${other.id}`, { name: 'x' }), await client.post('/api/boxes', { name: 'new' })]) {
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('missing_scope');
    }
    const stream = await sse(client, other.id);
    expect(stream.status).toBe(403);
    const s = await connected(client.socket());
    try {
      expect(await joinBox(s, other.id)).toMatchObject({ ok: false, error: { statusCode: 403, error: 'missing_scope' } });
      expect(await joinBox(s, mine.id)).toMatchObject({ ok: true });
    } finally {
      s.disconnect();
    }
  });

  it('a socket with a token that lacks the read scope cannot join a box: 403 naming it', async () => {
    const box = await alice.createBox('Writers only');
    const { client } = await tokenOf(alice, { name: 'writer', scopes: ['write'] });
    const s = await connected(client.socket());
    try {
      const ack = await joinBox(s, box.id);
      expect(ack).toMatchObject({ ok: false, error: { statusCode: 403, error: 'missing_scope' } });
      expect(ack.error.message).toContain('"read"');
    } finally {
      s.disconnect();
    }
    expect((await sse(client, box.id)).status).toBe(403);
  });
});

describe('listing and revoking tokens', () => {
  it('lists sessions and API tokens with name, scopes, dates and expiry, never the secret', async () => {
    const made = await tokenOf(alice, { name: 'nightly export', scopes: ['read'], expires_in_days: 30 });
    await made.client.get('/api/auth/me').ok();
    const { items } = await alice.get('/api/auth/tokens').ok();
    const listed = items.find((t: { id: string }) => t.id === made.id);
    expect(listed).toMatchObject({ name: 'nightly export', kind: 'api', scopes: ['read'], box_ids: null, current: false });
    expect(Date.parse(listed.expires_at) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(listed.last_used_at).not.toBeNull();
    expect(items.find((t: { current: boolean }) => t.current)).toMatchObject({ kind: 'session' });
    expect(JSON.stringify(items)).not.toContain(made.body.token);
  });

  it('a revoked token is refused at once on REST, its event stream ends and its socket is disconnected', async () => {
    const box = await alice.createBox('Watched');
    const { id, client } = await tokenOf(alice, { name: 'to revoke', scopes: ['read'] });
    const stream = await sse(client, box.id);
    expect(stream.status).toBe(200);
    const s = await connected(client.socket());
    expect(await joinBox(s, box.id)).toMatchObject({ ok: true });
    let disconnected = false;
    s.on('disconnect', () => (disconnected = true));

    await alice.delete(`/api/auth/tokens/${id}`).ok(204);
    expect((await client.get('/api/auth/me')).status).toBe(401);
    await until(() => stream.ended && disconnected, Boolean, 5000, 'the stream ended and the socket disconnected');
    // and it cannot come back
    const again = client.socket();
    await expect(connected(again)).rejects.toThrow(/unauthorized/);
    again.close();
    expect((await alice.delete(`/api/auth/tokens/${id}`)).status).toBe(404);
  });

  it('a token revoked on one API node is refused at once on another that had just accepted it', async () => {
    const port = await freePort();
    const other = await WorkerProcess.start(gb, { ROLE: 'api', PORT: String(port) }, 90_000);
    try {
      const { id, client } = await tokenOf(alice, { name: 'used on two nodes' });
      const there = new UserClient(`http://127.0.0.1:${port}`, client.token!, alice.id, alice.email, alice.name);
      const box = await alice.createBox('Two nodes');
      // used on both nodes, so each knows the token as live
      for (const c of [client, there, there]) expect((await c.get(`/api/boxes/${box.id}/assets`)).status).toBe(200);
      await alice.delete(`/api/auth/tokens/${id}`).ok(204);
      expect((await there.get(`/api/boxes/${box.id}/assets`)).status).toBe(401);
      expect((await client.get(`/api/boxes/${box.id}/assets`)).status).toBe(401);
    } finally {
      await other.kill('SIGTERM');
    }
  }, 120_000); // a second node's cold start on a loaded machine

  it('while nothing is revoked, a token is read from PostgreSQL once and then trusted from the cache', async () => {
    const repo = gb.app.get(TokensRepository);
    const { client } = await tokenOf(alice, { name: 'cached' });
    const findLive = repo.findLive;
    let reads = 0;
    repo.findLive = (hash) => (reads++, findLive.call(repo, hash));
    try {
      for (let i = 0; i < 5; i++) expect((await client.get('/api/auth/me')).status).toBe(200);
    } finally {
      repo.findLive = findLive;
    }
    expect(reads).toBe(1);
  });

  it('a revoke whose announcement has not reached this node yet is refused here all the same', async () => {
    // what another node's revoke leaves behind before its pub/sub message arrives (Redis may write
    // the revoker's reply first): the row revoked and Redis's count moved, no message heard here
    const { id, client } = await tokenOf(alice, { name: 'message still on its way' });
    const box = await alice.createBox('Late message');
    for (let i = 0; i < 2; i++) expect((await client.get(`/api/boxes/${box.id}/assets`)).status).toBe(200); // cached here now
    await gb.sql('UPDATE api_tokens SET revoked_at = now() WHERE id = $1', [id]);
    const redis = new Redis(gb.env.REDIS_URL!);
    try {
      await redis.incr(revocationCountKey(gb.env.REDIS_PREFIX!));
    } finally {
      redis.disconnect();
    }
    expect((await client.get(`/api/boxes/${box.id}/assets`)).status).toBe(401);
  });

  it('someone else\'s token cannot be revoked (404) and stays valid', async () => {
    const bob = await gb.newUser('bob');
    const { id, client } = await tokenOf(bob, { name: 'bobs' });
    expect((await alice.delete(`/api/auth/tokens/${id}`)).status).toBe(404);
    expect((await client.get('/api/auth/me')).status).toBe(200);
  });

  it('logout ends the session it was made with, and only that one', async () => {
    const login = async () => (await gb.client.post('/api/auth/login', { email: alice.email, password: 'correct horse battery' }).ok()).token as string;
    const [one, two] = [new ApiClient(gb.url, await login()), new ApiClient(gb.url, await login())];
    await one.post('/api/auth/logout').ok(204);
    expect((await one.get('/api/auth/me')).status).toBe(401);
    expect((await two.get('/api/auth/me')).status).toBe(200);
  });

  it('changing the password ends every other session; the one that changed it and API tokens go on', async () => {
    const carol = await gb.newUser('carol');
    const other = new ApiClient(gb.url, (await gb.client.post('/api/auth/login', { email: carol.email, password: 'correct horse battery' }).ok()).token);
    const { client: script } = await tokenOf(carol, { name: 'script' });
    const wrong = await carol.post('/api/auth/password', { current_password: 'not it at all', new_password: 'a brand new password' });
    expect(wrong.status).toBe(400);
    expect((await script.post('/api/auth/password', { current_password: 'correct horse battery', new_password: 'a brand new password' })).status).toBe(403);

    await carol.post('/api/auth/password', { current_password: 'correct horse battery', new_password: 'a brand new password' }).ok(204);
    expect((await other.get('/api/auth/me')).status).toBe(401);
    expect((await carol.get('/api/auth/me')).status).toBe(200);
    expect((await script.get('/api/auth/me')).status).toBe(200);
    expect((await gb.client.post('/api/auth/login', { email: carol.email, password: 'correct horse battery' })).status).toBe(401);
    expect((await gb.client.post('/api/auth/login', { email: carol.email, password: 'a brand new password' })).status).toBe(200);
  });
});
