import Bull from 'bull';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisOptions } from '../src/config/redis-options.js';
import { ADMIN, loginAdmin } from './faults/fault-kit.js';
import { type TestGenbox, type UserClient, startTestGenbox } from './harness.js';

const BOARD_API = '/admin/queues/api/queues';

describe('the queue dashboard at /admin/queues', () => {
  let gb: TestGenbox;
  let admin: UserClient;
  let member: UserClient;
  let queue: Bull.Queue;

  beforeAll(async () => {
    // an API node with no worker: what is generated waits in the queue, where the board shows it
    gb = await startTestGenbox({ ROLE: 'api', GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
    admin = await loginAdmin(gb);
    member = await gb.newUser('member');
    queue = new Bull('generation', { redis: redisOptions(gb.env.REDIS_URL!), prefix: gb.env.REDIS_PREFIX });
  });
  afterAll(async () => {
    await queue?.close();
    await gb?.stop();
  });

  it('is for admins only, by token or by the cookie the Admin page gets', async () => {
    expect((await gb.client.get('/admin/queues')).status).toBe(401);
    expect((await gb.client.get(BOARD_API)).status).toBe(401);
    expect((await member.get('/admin/queues')).status).toBe(403);
    expect((await member.get(BOARD_API)).status).toBe(403);
    const page = await fetch(`${gb.url}/admin/queues`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');

    expect((await member.post('/api/admin/queues/session')).status).toBe(403);
    const session = await fetch(`${gb.url}/api/admin/queues/session`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}` } });
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual({ url: '/admin/queues' });
    const cookie = session.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/admin\/queues/);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const pair = cookie.split(';')[0]!;
    expect((await fetch(gb.url + BOARD_API, { headers: { cookie: pair } })).status).toBe(200);
    // a cookie whose signature does not match is nobody's
    expect((await fetch(gb.url + BOARD_API, { headers: { cookie: `${pair.slice(0, -3)}abc` } })).status).toBe(401);
    // nor does it open the API
    expect((await fetch(`${gb.url}/api/auth/me`, { headers: { cookie: pair } })).status).toBe(401);
  });

  it('shows waiting jobs per queue, removes one, and retries a failed one', async () => {
    const box = await member.createBox('Queued');
    const model = await member.model('local-image');
    const asset = await member.post(`/api/boxes/${box.id}/generate`, { prompt: 'waiting in line', ai_model_id: model.id }).ok(202);

    const board = async (status: string) => (await admin.get(`${BOARD_API}?activeQueue=generation&status=${status}&page=1&jobsPerPage=50`).ok()).queues.find((q: { name: string }) => q.name === 'generation');
    const waiting = await board('waiting');
    expect(waiting.counts.waiting).toBeGreaterThanOrEqual(1);
    expect(waiting.jobs.map((j: { id: string }) => j.id)).toContain(asset.id);
    for (const status of ['active', 'delayed', 'failed']) expect(waiting.counts).toHaveProperty(status);

    expect((await admin.request('PUT', `${BOARD_API}/generation/${encodeURIComponent(asset.id)}/clean`)).status).toBe(204);
    expect(await queue.getJob(asset.id)).toBeNull();
    expect((await board('waiting')).jobs.map((j: { id: string }) => j.id)).not.toContain(asset.id);

    // a job that failed (Genbox's own jobs leave Redis when they fail; this one is kept to be retried)
    const failed = await queue.add('poll', { assetId: asset.id, attempt: 0 }, { jobId: `${asset.id}:board-test` });
    await queue.client.multi().lrem(`${gb.env.REDIS_PREFIX}:generation:wait`, 0, failed.id).zadd(`${gb.env.REDIS_PREFIX}:generation:failed`, Date.now(), failed.id).exec();
    expect((await board('failed')).jobs.map((j: { id: string }) => j.id)).toContain(failed.id);
    expect((await member.request('PUT', `${BOARD_API}/generation/${encodeURIComponent(String(failed.id))}/retry`)).status).toBe(403);
    expect((await admin.request('PUT', `${BOARD_API}/generation/${encodeURIComponent(String(failed.id))}/retry`)).status).toBe(204);
    expect(await (await queue.getJob(failed.id))!.getState()).toBe('waiting');
    await (await queue.getJob(failed.id))!.remove();
  });
});
