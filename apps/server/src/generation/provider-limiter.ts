import type { ProviderKind } from '@genbox/contracts';
import type { Redis } from 'ioredis';

/** At most `requests` task creations in any `per_ms` window. */
export interface RateLimit { requests: number; per_ms: number }

/**
 * Create-rate limits per provider kind, from the providers' published limits (Kie 20 per 10 s,
 * Replicate 600 per minute, Stability 150 per 10 s) or, where none is published, a cautious
 * guess. A provider row's `rate_limit` overrides its kind's. `local` renders on this machine:
 * only its max_concurrency applies.
 */
export const DEFAULT_RATE_LIMITS: Record<ProviderKind, RateLimit | null> = {
  kie: { requests: 20, per_ms: 10_000 },
  replicate: { requests: 600, per_ms: 60_000 },
  stability: { requests: 150, per_ms: 10_000 },
  runware: { requests: 100, per_ms: 10_000 },
  fal: { requests: 100, per_ms: 10_000 },
  openai: { requests: 50, per_ms: 60_000 },
  template: { requests: 120, per_ms: 60_000 },
  local: null,
};

/** The create-rate limit in force: the provider row's override, else its kind's default (null: none). */
export const rateLimitFor = (kind: ProviderKind, override: RateLimit | null | undefined): RateLimit | null => override ?? DEFAULT_RATE_LIMITS[kind] ?? null;

/** What the limiter needs to know about one provider; `rateLimit` is the one in force (null: none). */
export interface ProviderLimits { id: string; maxConcurrency: number; rateLimit: RateLimit | null }

/**
 * A create reaches the provider a moment after its turn is taken here (a database write, building
 * the request, the trip), and not always the same moment: the window is held this much longer
 * than the provider's so that jitter cannot put N+1 arrivals in one of its windows.
 */
export const rateMarginMs = (perMs: number) => Math.min(250, Math.round(perMs / 10));

export type Gate = { ok: true } | { ok: false; reason: 'concurrency' | 'rate' | 'cooldown'; retryInMs: number };

/**
 * How long a slot is held without a sign of life. Every submit try and every poll renews it, and
 * polls come at least every 30 s, so only a task nobody looks after any more (its jobs lost with
 * a dead worker and Redis) lets it lapse.
 */
export const LEASE_MS = 10 * 60_000;

/**
 * KEYS: in-flight zset (asset id → lease expiry), creates zset (one member per create, score = time),
 * cooldown key (ms timestamp), a counter that makes create members unique, the holders hash (asset id → provider id).
 * ARGV: asset id, now (ms; '' = Redis TIME), lease ms, max concurrency, rate requests (0 = none), rate window ms, provider id.
 * Returns {1, 0} when the slot and a create were taken, else {0, retry ms, reason}.
 * The asset already holding a slot (a retry of its own submit) keeps it and only needs a create.
 */
const ACQUIRE = `
local now = tonumber(ARGV[2])
if not now then local t = redis.call('TIME'); now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end
local lease, max, reqs, per = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local cool = tonumber(redis.call('GET', KEYS[3]) or '0')
if cool > now then return {0, cool - now, 'cooldown'} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local holding = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not holding and redis.call('ZCARD', KEYS[1]) >= max then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(first[2]) - now, 'concurrency'}
end
if reqs > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - per)
  if redis.call('ZCARD', KEYS[2]) >= reqs then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return {0, tonumber(oldest[2]) + per - now, 'rate'}
  end
  redis.call('ZADD', KEYS[2], now, now .. ':' .. ARGV[1] .. ':' .. redis.call('INCR', KEYS[4]))
  redis.call('PEXPIRE', KEYS[2], per)
  redis.call('PEXPIRE', KEYS[4], per)
end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], lease)
redis.call('HSET', KEYS[5], ARGV[1], ARGV[7])
return {1, 0}
`;

/** Renews a held lease (or takes it back after it lapsed: the task is in flight either way). */
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`;

/** Sets the cooldown to now + ms unless a later one is already set. */
const COOLDOWN = `
local t = redis.call('TIME')
local untilMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
if untilMs > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1])) end
return 1
`;

/**
 * Per-provider concurrency and create-rate limits shared by every worker process, kept in Redis.
 * A slot is a lease (asset id scored by its expiry) so a worker that dies cannot leak one; expired
 * leases are dropped on every read. Each check-and-take is one Lua script, so two workers cannot
 * both take the last slot.
 */
export class ProviderLimiter {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  /** Takes a slot and a create for `assetId` at `provider`, or says how long to wait. `now` is for tests; Redis' clock otherwise. */
  async acquire(provider: ProviderLimits, assetId: string, now?: number): Promise<Gate> {
    const rate = provider.rateLimit;
    const [ok, retryInMs, reason] = (await this.redis.eval(
      ACQUIRE, 5, ...this.keys(provider.id), this.holdersKey,
      assetId, now === undefined ? '' : String(now), String(LEASE_MS), String(provider.maxConcurrency), String(rate?.requests ?? 0), String(rate ? rate.per_ms + rateMarginMs(rate.per_ms) : 0), provider.id,
    )) as [number, number, 'concurrency' | 'rate' | 'cooldown'];
    return ok === 1 ? { ok: true } : { ok: false, reason, retryInMs: Math.max(0, retryInMs) };
  }

  /** A sign of life from an in-flight task (a poll): keeps its slot from lapsing. */
  async renew(providerId: string, assetId: string): Promise<void> {
    await this.redis.eval(RENEW, 1, this.keys(providerId)[0], assetId, String(LEASE_MS));
  }

  /** The task is over at the provider (finished, failed, canceled, timed out): its slot is free. */
  async release(providerId: string, assetId: string): Promise<void> {
    await this.redis.multi().zrem(this.keys(providerId)[0], assetId).hdel(this.holdersKey, assetId).exec();
  }

  /** Frees whatever slot the asset holds, when its provider is no longer known (the asset row is gone). */
  async releaseAsset(assetId: string): Promise<void> {
    const providerId = await this.redis.hget(this.holdersKey, assetId);
    if (providerId) await this.release(providerId, assetId);
  }

  /** The provider said 429 with Retry-After: nobody submits to it before then. */
  async coolDown(providerId: string, ms: number): Promise<void> {
    if (ms > 0) await this.redis.eval(COOLDOWN, 1, this.keys(providerId)[2], String(Math.ceil(ms)));
  }

  /** Asset ids holding a slot now (tests, diagnostics). */
  async inFlight(providerId: string, now = Date.now()): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys(providerId)[0], now, '+inf');
  }

  private get holdersKey() {
    return `${this.prefix}:limits:holders`;
  }

  private keys(providerId: string): [string, string, string, string] {
    const base = `${this.prefix}:limits:${providerId}`;
    return [`${base}:inflight`, `${base}:creates`, `${base}:cooldown`, `${base}:creates:n`];
  }
}
