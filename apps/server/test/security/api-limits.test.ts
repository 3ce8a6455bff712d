import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type TestGenbox, UserClient, connected, startTestGenbox } from '../harness.js';
import { NodeProcess } from '../node-process.js';
import { SseReader } from '../sse-reader.js';

// Small allowances so a test can spend them (the defaults, 6000 per token and 12000 per user a
// minute, are out of reach of any test or of the board in use); both nodes read the same settings.
const LIMITS = { API_LIMIT_PER_TOKEN: '6', API_LIMIT_PER_USER: '9', API_LIMIT_WINDOW_SECONDS: '3600' };
let gb: TestGenbox;
let api2: NodeProcess;
let alice: UserClient;
let bob: UserClient;

beforeAll(async () => {
  gb = await startTestGenbox(LIMITS);
  api2 = await NodeProcess.start(gb, 'api');
  [alice, bob] = [await gb.newUser('alice'), await gb.newUser('bob')];
}, 90_000);
afterAll(async () => {
  await api2?.stop();
  await gb?.stop();
});

function expectRateLimited(r: { status: number; body: unknown; headers: Headers }) {
  expect(r.status).toBe(429);
  expect(r.body).toEqual({ statusCode: 429, error: 'rate_limited', message: expect.stringMatching(/^Too many requests with this token or account: try again in \d+ (s|min)$/) });
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
}

/** `client`'s token, sent to API node 1 or 2 in turn. */
const onNode = (client: UserClient, i: number) => new ApiClient(i % 2 ? api2.url : gb.url, client.token);

describe('per-token and per-user REST limits, shared by every API node through Redis', () => {
  it('a token has its allowance over both nodes; past it, 429 with Retry-After and nothing changes; another user is not affected', async () => {
    // a fresh session: the registration's token spent nothing yet, but use a new one to be sure of the count
    const login = await gb.client.post('/api/auth/login', { email: alice.email, password: 'correct horse battery' }).ok();
    const session = new UserClient(gb.url, login.token, alice.id, alice.email, alice.name);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await onNode(session, i).get('/api/boxes'));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);

    const refused = await onNode(session, 0).post('/api/boxes', { name: 'Over the limit' });
    expectRateLimited(refused);
    expectRateLimited(await onNode(session, 1).get('/api/boxes'));
    expect(await gb.sql(`SELECT 1 FROM boxes WHERE name = 'Over the limit'`)).toEqual([]);
    expect((await bob.get('/api/boxes')).status).toBe(200);
  }, 60_000);

  it("a user's tokens share the user's allowance: a second token stops where the user's total is spent", async () => {
    const made = await bob.post('/api/auth/tokens', { name: 'script' }).ok(201); // bob's session: 2 so far
    const script = new UserClient(gb.url, made.token, bob.id, bob.email, bob.name);
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await onNode(script, i).get('/api/auth/me')).status);
    // bob's total: 2 with the session + 6 with the script = 8 of 9; the script's own 6 are spent first
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    expect((await bob.get('/api/auth/me')).status).toBe(200); // the 9th of the user's
    expectRateLimited(await bob.get('/api/auth/me'));
  }, 60_000);

  it('opening an event stream or a socket counts as one request; past the allowance both are refused', async () => {
    const carol = await gb.newUser('carol');
    const box = await carol.createBox(); // 1
    const streams = [];
    for (let i = 0; i < 4; i++) streams.push(await SseReader.open(`${i % 2 ? api2.url : gb.url}/api/boxes/${box.id}/events`, { authorization: `Bearer ${carol.token}` })); // 2..5
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200, 200]);
    const socket = await connected(carol.socket()); // 6: the token's last
    const stream = await SseReader.open(`${gb.url}/api/boxes/${box.id}/events`, { authorization: `Bearer ${carol.token}` });
    expect(stream.status).toBe(429);
    expect(stream.error).toMatchObject({ statusCode: 429, error: 'rate_limited' });
    const refused = io(api2.url, { auth: { token: carol.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    await expect(connected(refused)).rejects.toThrow(/^rate_limited: Too many requests/);
    // what flows over the open ones is not counted: they stay open
    expect(socket.connected).toBe(true);
    expect(streams.every((s) => !s.ended)).toBe(true);
    refused.close();
    socket.disconnect();
    streams.forEach((s) => s.close());
  }, 60_000);
});
