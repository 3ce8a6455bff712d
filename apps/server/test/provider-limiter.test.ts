import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type Gate, LEASE_MS, ProviderLimiter, type ProviderLimits, rateLimitFor } from '../src/generation/provider-limiter.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `gbtest:limiter:${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

type Step =
  | { at: number; acquire: string; expect: 'ok' | { reason: Exclude<Gate, { ok: true }>['reason']; retryInMs?: number } }
  | { at: number; release: string };

const T = 1_000_000_000_000;
const cases: { name: string; limits: Omit<ProviderLimits, 'id'>; steps: Step[] }[] = [
  {
    name: 'a third task waits while two hold the slots, and gets one when a task ends',
    limits: { maxConcurrency: 2, rateLimit: null },
    steps: [
      { at: T, acquire: 'a', expect: 'ok' },
      { at: T + 1, acquire: 'b', expect: 'ok' },
      { at: T + 2, acquire: 'c', expect: { reason: 'concurrency' } },
      { at: T + 3, release: 'a' },
      { at: T + 4, acquire: 'c', expect: 'ok' },
      { at: T + 5, acquire: 'd', expect: { reason: 'concurrency' } },
    ],
  },
  {
    name: 'a task that already holds a slot (a retry of its own submit) keeps it when all are taken',
    limits: { maxConcurrency: 1, rateLimit: null },
    steps: [
      { at: T, acquire: 'a', expect: 'ok' },
      { at: T + 10, acquire: 'a', expect: 'ok' },
      { at: T + 20, acquire: 'b', expect: { reason: 'concurrency' } },
    ],
  },
  {
    name: 'a dead worker\'s slot comes back once its lease runs out',
    limits: { maxConcurrency: 1, rateLimit: null },
    steps: [
      { at: T, acquire: 'a', expect: 'ok' },
      { at: T + LEASE_MS - 1, acquire: 'b', expect: { reason: 'concurrency', retryInMs: 1 } },
      { at: T + LEASE_MS, acquire: 'b', expect: 'ok' },
    ],
  },
  {
    name: 'creates beyond N per window wait until the oldest one leaves the window (held 10% longer, for the trip)',
    limits: { maxConcurrency: 100, rateLimit: { requests: 3, per_ms: 1000 } },
    steps: [
      { at: T, acquire: 'a', expect: 'ok' },
      { at: T + 100, acquire: 'b', expect: 'ok' },
      { at: T + 200, acquire: 'c', expect: 'ok' },
      { at: T + 300, acquire: 'd', expect: { reason: 'rate', retryInMs: 800 } },
      { at: T + 1099, acquire: 'd', expect: { reason: 'rate', retryInMs: 1 } },
      { at: T + 1100, acquire: 'd', expect: 'ok' },
      { at: T + 1150, acquire: 'e', expect: { reason: 'rate', retryInMs: 50 } },
    ],
  },
  {
    name: 'a retry of a task holding its slot still counts as a create',
    limits: { maxConcurrency: 5, rateLimit: { requests: 2, per_ms: 1000 } },
    steps: [
      { at: T, acquire: 'a', expect: 'ok' },
      { at: T + 10, acquire: 'a', expect: 'ok' },
      { at: T + 20, acquire: 'a', expect: { reason: 'rate', retryInMs: 1080 } },
    ],
  },
  {
    name: 'a task refused for the rate takes no slot',
    limits: { maxConcurrency: 1, rateLimit: { requests: 1, per_ms: 1000 } },
    steps: [
      { at: T, acquire: 'a', expect: 'ok' },
      { at: T + 1, release: 'a' },
      { at: T + 2, acquire: 'b', expect: { reason: 'rate' } },
      { at: T + 1100, acquire: 'c', expect: 'ok' },
    ],
  },
];

describe('provider limiter (real Redis)', () => {
  let limiter: ProviderLimiter;
  beforeEach(() => {
    limiter = new ProviderLimiter(redis, prefix);
  });

  it.each(cases)('$name', async ({ limits, steps }) => {
    const provider = { id: randomBytes(6).toString('hex'), ...limits };
    for (const [i, step] of steps.entries()) {
      if ('release' in step) {
        await limiter.release(provider.id, step.release);
        continue;
      }
      const gate = await limiter.acquire(provider, step.acquire, step.at);
      if (step.expect === 'ok') expect(gate, `step ${i}`).toEqual({ ok: true });
      else expect(gate, `step ${i}`).toMatchObject({ ok: false, ...step.expect });
    }
  });

  it('many workers racing for 3 slots take exactly 3', async () => {
    const provider = { id: randomBytes(6).toString('hex'), maxConcurrency: 3, rateLimit: null };
    const clients = Array.from({ length: 40 }, () => redis.duplicate());
    const gates = await Promise.all(clients.map((c, i) => new ProviderLimiter(c, prefix).acquire(provider, `asset-${i}`)));
    clients.forEach((c) => c.disconnect());
    expect(gates.filter((g) => g.ok)).toHaveLength(3);
    expect(await limiter.inFlight(provider.id)).toHaveLength(3);
  });

  it('after a 429 cool-down nobody submits to the provider until it ends', async () => {
    const provider = { id: randomBytes(6).toString('hex'), maxConcurrency: 3, rateLimit: null };
    await limiter.coolDown(provider.id, 400);
    const gate = await limiter.acquire(provider, 'a');
    expect(gate).toMatchObject({ ok: false, reason: 'cooldown' });
    expect((gate as { retryInMs: number }).retryInMs).toBeGreaterThan(300);
    await new Promise((r) => setTimeout(r, 450));
    expect(await limiter.acquire(provider, 'a')).toEqual({ ok: true });
  });

  it('an asset deleted while at the provider frees its slot by its id alone', async () => {
    const provider = { id: randomBytes(6).toString('hex'), maxConcurrency: 1, rateLimit: null };
    expect(await limiter.acquire(provider, 'gone')).toEqual({ ok: true });
    expect(await limiter.acquire(provider, 'next')).toMatchObject({ ok: false, reason: 'concurrency' });
    await limiter.releaseAsset('gone');
    expect(await limiter.acquire(provider, 'next')).toEqual({ ok: true });
    await limiter.releaseAsset('never-held'); // nothing to free: not an error
    expect(await limiter.inFlight(provider.id)).toEqual(['next']);
  });

  it('a renewed lease outlives the original one', async () => {
    const provider = { id: randomBytes(6).toString('hex'), maxConcurrency: 1, rateLimit: null };
    expect(await limiter.acquire(provider, 'a', Date.now() - LEASE_MS + 50)).toEqual({ ok: true });
    await limiter.renew(provider.id, 'a');
    await new Promise((r) => setTimeout(r, 100));
    expect(await limiter.acquire(provider, 'b')).toMatchObject({ ok: false, reason: 'concurrency' });
  });

  it.each([
    ['kie', null, { requests: 20, per_ms: 10_000 }],
    ['replicate', null, { requests: 600, per_ms: 60_000 }],
    ['stability', null, { requests: 150, per_ms: 10_000 }],
    ['local', null, null],
    ['kie', { requests: 5, per_ms: 1000 }, { requests: 5, per_ms: 1000 }],
  ] as const)('the create rate of %s with override %j is %j', (kind, override, expected) => {
    expect(rateLimitFor(kind, override)).toEqual(expected);
  });
});
