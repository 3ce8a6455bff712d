import type { ErrorBody } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../src/auth/password-hasher.js';
import { ApiClient, type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';
import { NodeProcess } from '../node-process.js';

// Small allowances (the defaults are 10 per email and 50 per address in 15 minutes): argon2 costs
// seconds on a busy test machine, so each case here runs as few hashes as it can.
const LIMITS = { SIGN_IN_LIMIT_PER_EMAIL: '3', SIGN_IN_LIMIT_PER_ADDRESS: '5' };
let gb: TestGenbox;
let api2: NodeProcess;
let victim: UserClient;
let alice: UserClient;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  gb = await startTestGenbox(LIMITS);
  api2 = await NodeProcess.start(gb, 'api');
  [victim, alice] = [await gb.newUser('victim'), await gb.newUser('alice')];
}, 90_000);
afterAll(async () => {
  await api2?.stop();
  await gb?.stop();
});

/** A login as if from `address` (the server trusts X-Forwarded-For from a proxy on loopback, as a reverse proxy's). */
function login(baseUrl: string, email: string, password: string, address: string) {
  return new ApiClient(baseUrl).request<ErrorBody & { token?: string }>('POST', '/api/auth/login', { email, password }, { 'x-forwarded-for': address });
}

function expectRateLimited(r: { status: number; body: unknown; headers: Headers }) {
  expect(r.status).toBe(429);
  expect(r.body).toEqual({ statusCode: 429, error: 'rate_limited', message: expect.stringMatching(/try again in \d+ (s|min)/) });
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
}

describe('sign-in limits, shared by every API node through Redis', () => {
  it('a flood of wrong passwords for one email, spread over two API nodes: 3 are tried, the rest are 429 before argon2 runs', async () => {
    const hasher = gb.app.get(PasswordHasher);
    const hashedBefore = hasher.stats.runs;
    const flood = await Promise.all(Array.from({ length: 20 }, (_, i) => login(i % 2 ? api2.url : gb.url, victim.email, `guess-${i}`, '198.51.100.7')));
    const statuses = flood.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(17);
    for (const r of flood.filter((x) => x.status === 429)) expectRateLimited(r);
    // this node hashed only what it let through (the other node hashed the rest of the 3)
    expect(hasher.stats.runs - hashedBefore).toBeLessThanOrEqual(3);

    // even the right password waits now: the email's allowance is spent, on both nodes
    expectRateLimited(await login(gb.url, victim.email, PASSWORD, '203.0.113.9'));
    expectRateLimited(await login(api2.url, victim.email, PASSWORD, '203.0.113.9'));
    // another account signs in, from another address and from the flooding one (3 of its 5 failures used)
    expect((await login(api2.url, alice.email, PASSWORD, '203.0.113.9')).status).toBe(200);
    expect((await login(gb.url, alice.email, PASSWORD, '198.51.100.7')).status).toBe(200);
  }, 120_000);

  it('one address trying many emails is stopped after 5 failures; right passwords do not count', async () => {
    expect((await login(gb.url, alice.email, PASSWORD, '192.0.2.44')).status).toBe(200);
    const tries = await Promise.all(Array.from({ length: 8 }, (_, i) => login(i % 2 ? api2.url : gb.url, `nobody-${i}@example.com`, 'whatever-it-is', '192.0.2.44')));
    expect(tries.filter((r) => r.status === 401)).toHaveLength(5);
    for (const r of tries.filter((x) => x.status !== 401)) expectRateLimited(r);
    // the address is out of allowance, even for a real account and a right password
    expectRateLimited(await login(gb.url, alice.email, PASSWORD, '192.0.2.44'));
    expect((await login(gb.url, alice.email, PASSWORD, '192.0.2.45')).status).toBe(200);
  }, 120_000);

  it('registering counts against the address too: a script cannot mint accounts without end', async () => {
    const register = (i: number) => new ApiClient(i % 2 ? api2.url : gb.url).request('POST', '/api/auth/register', { email: `bot-${i}@example.com`, password: 'bot-password-1', display_name: `bot ${i}` }, { 'x-forwarded-for': '192.0.2.99' });
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await register(i));
    expect(made.filter((r) => r.status === 201)).toHaveLength(5);
    for (const r of made.slice(5)) expectRateLimited(r);
    expect((await gb.sql(`SELECT count(*)::int AS n FROM users WHERE email LIKE 'bot-%'`))[0].n).toBe(5);
  }, 120_000);

  it('argon2 has a bounded gate: a flood from many addresses on many emails is answered at once with 429, never more than 2 hashes at a time, and a real user still signs in after it', async () => {
    const hasher = gb.app.get(PasswordHasher);
    const refusedBefore = hasher.stats.refused;
    // 30 at once, each on its own email and address: the per-email and per-address limits do not apply
    const flood = await Promise.all(Array.from({ length: 30 }, (_, i) => login(gb.url, `spray-${i}@example.com`, 'spray-password', `10.9.0.${i + 1}`)));
    const statuses = new Set(flood.map((r) => r.status));
    expect([...statuses].every((s) => s === 401 || s === 429)).toBe(true);
    const refused = flood.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expectRateLimited(r);
      expect(r.body.message).toBe('Too many sign-ins at once: try again in 1 s');
    }
    expect(hasher.stats.refused - refusedBefore).toBe(refused.length);
    expect(hasher.stats.peakRunning).toBeLessThanOrEqual(2);
    expect((await login(gb.url, alice.email, PASSWORD, '10.200.0.1')).status).toBe(200);
  }, 120_000);
});
