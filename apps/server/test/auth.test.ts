import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type TestGenbox, startTestGenbox } from './harness.js';

let gb: TestGenbox;
beforeAll(async () => {
  gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: 'boss@example.com', GENBOX_ADMIN_PASSWORD: 'boss-password-1' });
});
afterAll(() => gb?.stop());

describe('accounts', () => {
  it('a person registers, logs in and is recognised with either token scheme', async () => {
    const reg = await gb.client.post('/api/auth/register', { email: 'Ada@Example.com', password: 'lovelace-1815', display_name: 'Ada' }).ok(201);
    expect(reg.user).toMatchObject({ email: 'ada@example.com', display_name: 'Ada', is_admin: false });
    expect(reg.user).not.toHaveProperty('password_hash');
    // kept as an argon2id hash, never as the password
    const [row] = await gb.sql('SELECT password_hash FROM users WHERE id = $1', [reg.user.id]);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain('lovelace-1815');

    const login = await gb.client.post('/api/auth/login', { email: 'ADA@example.com', password: 'lovelace-1815' }).ok(200);
    for (const scheme of ['Bearer', 'Token']) {
      const me = await gb.client.request('GET', '/api/auth/me', undefined, { authorization: `${scheme} ${login.token}` }).ok();
      expect(me.user.id).toBe(reg.user.id);
    }
  });

  it('the same email in another case cannot register twice', async () => {
    await gb.client.post('/api/auth/register', { email: 'grace@example.com', password: 'hopper-1906', display_name: 'Grace' }).ok(201);
    const again = await gb.client.post('/api/auth/register', { email: 'GRACE@example.com', password: 'another-one', display_name: 'G' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ statusCode: 409, error: 'conflict' });
  });

  it('bad registrations are refused naming the field, and create nothing', async () => {
    const before = await gb.sql('SELECT count(*)::int AS n FROM users');
    const short = await gb.client.post('/api/auth/register', { email: 'x@example.com', password: 'short', display_name: 'X' });
    expect(short.status).toBe(400);
    expect(short.body.message).toContain('password');
    const bad = await gb.client.post('/api/auth/register', { email: 'not-an-email', password: 'long enough pw', display_name: 'X' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('email');
    const notJson = await gb.client.request('POST', '/api/auth/register', undefined, { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
    expect(await gb.sql('SELECT count(*)::int AS n FROM users')).toEqual(before);
  });

  it('a wrong password, an unknown email, a forged or missing token are all 401', async () => {
    const wrong = await gb.client.post('/api/auth/login', { email: 'grace@example.com', password: 'nope-nope-nope' });
    const unknown = await gb.client.post('/api/auth/login', { email: 'nobody@example.com', password: 'nope-nope-nope' });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.message).toBe(unknown.body.message);
    const user = await gb.newUser();
    const forged = user.token!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await new ApiClient(gb.url, forged).get('/api/auth/me')).status).toBe(401);
    expect((await gb.client.get('/api/boxes')).status).toBe(401);
  });

  it('GENBOX_ADMIN_EMAIL / GENBOX_ADMIN_PASSWORD create an admin who can log in', async () => {
    const login = await gb.client.post('/api/auth/login', { email: 'boss@example.com', password: 'boss-password-1' }).ok(200);
    expect(login.user.is_admin).toBe(true);
  });

  it('an API token for integrations works as a bearer token and is shown only once', async () => {
    const user = await gb.newUser();
    const created = await user.post('/api/auth/tokens', { name: 'ci' }).ok(201);
    expect(created.token).toMatch(/^gbt_/);
    const me = await new ApiClient(gb.url, created.token).get('/api/auth/me').ok();
    expect(me.user.id).toBe(user.id);
    const [row] = await gb.sql('SELECT token_hash FROM api_tokens WHERE id = $1', [created.id]);
    expect(row.token_hash).not.toContain(created.token);
  });
});
