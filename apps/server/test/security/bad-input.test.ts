import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';

let gb: TestGenbox;
let alice: UserClient;
beforeAll(async () => {
  gb = await startTestGenbox();
  alice = await gb.newUser('alice');
});
afterAll(() => gb?.stop());

const cursor = (createdAt: string) => Buffer.from(`n|${createdAt}|${randomUUID()}`).toString('base64url');

describe('input PostgreSQL cannot take is a 400 naming it, never a 500', () => {
  it('a NUL character in a box name, a token name or a query is refused and nothing is written', async () => {
    const boxes = await gb.sql('SELECT count(*)::int AS n FROM boxes');
    for (const [path, body] of [['/api/boxes', { name: '\u0000' }], ['/api/auth/tokens', { name: 'ci\u0000' }]] as const) {
      const res = await alice.post(path, body);
      expect(res.status, path).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'validation_failed' });
      expect(res.body.message).toMatch(/^name: .*NUL/);
    }
    const box = await alice.createBox('Search me');
    const search = await alice.get(`/api/boxes/${box.id}/assets?q=${encodeURIComponent('a\u0000b')}`);
    expect(search.status).toBe(400);
    expect(await gb.sql('SELECT count(*)::int AS n FROM boxes')).toEqual([{ n: boxes[0].n + 1 }]);
  });

  it.each(['1', 'Feb 30 2024', '+275760-09-13T00:00:00Z', '2024-02-30T00:00:00.000Z'])('a list cursor whose date is %s is refused naming the cursor', async (date) => {
    const box = await alice.createBox('Paged');
    const res = await alice.get(`/api/boxes/${box.id}/assets?cursor=${cursor(date)}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^cursor: /);
  });
});
