import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, loginAdmin, sleep } from './faults/fault-kit.js';
import { OwnRedis } from './faults/own-services.js';
import { type TestGenbox, type UserClient, freePort, startTestGenbox } from './harness.js';

/** A GET that must answer (not hang): gives up after 5 s. Answers status, body and how long it took. */
async function probe(url: string): Promise<{ status: number; body: any; ms: number }> {
  const t = Date.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.json(), ms: Date.now() - t };
}

describe('liveness and readiness', () => {
  let redis: OwnRedis;
  let gb: TestGenbox;
  let admin: UserClient;
  let member: UserClient;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    gb = await startTestGenbox({ ROLE: 'api', REDIS_URL: redis.url, GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
    admin = await loginAdmin(gb);
    member = await gb.newUser('member');
  });
  afterAll(async () => {
    await gb?.stop();
    await redis?.kill();
  });

  it('tell the public only up or down; an admin sees each dependency', async () => {
    for (const path of ['/api/health', '/api/health/live', '/api/health/ready']) {
      const r = await probe(gb.url + path);
      expect(r.status, path).toBe(200);
      expect(r.body, path).toEqual({ status: 'ok' });
    }
    expect((await gb.client.get('/api/health/details')).status).toBe(401);
    expect((await member.get('/api/health/details')).status).toBe(403);
    const details = await admin.get('/api/health/details').ok();
    expect(details).toMatchObject({ status: 'ok', postgres: { ok: true }, redis: { ok: true }, storage: { ok: true } });
  });

  it('readiness says 503 and nothing more while Redis is down, liveness stays up, and both recover', async () => {
    await redis.kill();
    try {
      const ready = await probe(`${gb.url}/api/health/ready`);
      console.log(`[health] readiness answered ${ready.status} in ${ready.ms} ms with Redis down`);
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'unavailable' });
      expect((await probe(`${gb.url}/api/health`)).status).toBe(503);
      expect((await probe(`${gb.url}/api/health/live`)).status).toBe(200);
      // the admin learns which one, and why
      const details = await admin.get('/api/health/details').ok(200);
      expect(details.status).toBe('unavailable');
      expect(details.redis.ok).toBe(false);
      expect(details.redis.error).toBeTruthy();
      expect(details.postgres.ok).toBe(true);
    } finally {
      await redis.start();
    }
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++, await sleep(100)) status = (await probe(`${gb.url}/api/health/ready`)).status;
    expect(status).toBe(200);
  });

  it('readiness says 503 while storage cannot be written, without naming the path', async () => {
    const aside = `${gb.dataDir}.aside`;
    await rename(gb.dataDir, aside);
    await writeFile(gb.dataDir, 'not a directory'); // even root cannot make a folder inside a file
    try {
      const ready = await probe(`${gb.url}/api/health/ready`);
      expect(ready.status).toBe(503);
      expect(JSON.stringify(ready.body)).not.toContain(gb.dataDir);
      const details = await admin.get('/api/health/details').ok(200);
      expect(details.storage.ok).toBe(false);
      expect(details.storage.error).toContain(gb.dataDir);
    } finally {
      await rm(gb.dataDir, { force: true });
      await rename(aside, gb.dataDir);
      await mkdir(gb.dataDir, { recursive: true });
    }
    expect((await probe(`${gb.url}/api/health/ready`)).status).toBe(200);
  });
});
