import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppError } from './app-error.js';

/** At most `limit` requests at once, refilled evenly over `windowMs` (0: no limit). */
export interface RateRule { name: string; limit: number; windowMs: number }

/** One allowance to take from: a rule and whom it counts (a token id, a user id, an address). */
export interface RateCheck { rule: RateRule; subject: string }

/** A 429 that tells the client when to come back (the error filter writes it as `Retry-After`). */
export class RateLimitedError extends AppError {
  constructor(message: string, readonly retryAfterS: number) {
    super('rate_limited', message);
  }
}

/**
 * Generic cell rate (GCRA) over several keys at once: each key holds the time its allowance is
 * spent up to (the "theoretical arrival time"). A take moves every key on by its interval, or none
 * of them when any would pass its window: a refused request costs nothing. A give-back moves them
 * back. Redis TIME is the clock, so every API node counts against the same allowance.
 * KEYS: one per check. ARGV: 1 (take) or -1 (give back), then interval ms and window ms per key.
 * Returns 0 when taken, else how many ms until the request would be allowed.
 */
const GCRA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local take = tonumber(ARGV[1]) > 0
local wait, tats = 0, {}
for i, key in ipairs(KEYS) do
  local interval, window = tonumber(ARGV[i * 2]), tonumber(ARGV[i * 2 + 1])
  local tat = math.max(tonumber(redis.call('GET', key) or '0'), now)
  if take then
    tats[i] = tat + interval
    if tats[i] - window > now then wait = math.max(wait, tats[i] - window - now) end
  else
    tats[i] = math.max(now, tat - interval)
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  if tats[i] > now then redis.call('SET', key, tats[i], 'PX', tats[i] - now) else redis.call('DEL', key) end
end
return 0
`;

/**
 * Limits are a guard, not a dependency: while Redis is away (ioredis would queue the command until
 * it is back) requests go on unlimited rather than hang, and a connected Redis that does not answer
 * within this long is given up on the same way.
 */
const REDIS_PATIENCE_MS = 5000;

/** Request allowances shared by every API node through Redis; the one limiter for sign-ins and the API. */
export class RateLimiter {
  private readonly logger = new Logger('RateLimiter');
  private lastWarning = 0;

  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  /** Takes one from every check's allowance, or from none: null when allowed, else ms until it would be. */
  async take(checks: RateCheck[]): Promise<number | null> {
    const wait = await this.run(checks, 1);
    return wait ? wait : null;
  }

  /** Gives one back to each allowance (a request that turned out not to count, e.g. a right password). */
  async giveBack(checks: RateCheck[]): Promise<void> {
    await this.run(checks, -1);
  }

  private async run(checks: RateCheck[], direction: 1 | -1): Promise<number> {
    const live = checks.filter((c) => c.rule.limit > 0);
    if (!live.length) return 0;
    if (this.redis.status !== 'ready') {
      this.warn(`rate limits not applied: Redis is ${this.redis.status}`);
      return 0;
    }
    const keys = live.map((c) => `${this.prefix}:limit:${c.rule.name}:${digest(c.subject)}`);
    const args = live.flatMap((c) => [String(c.rule.windowMs / c.rule.limit), String(c.rule.windowMs)]);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), REDIS_PATIENCE_MS)));
    try {
      const answer = await Promise.race([this.redis.eval(GCRA, keys.length, ...keys, String(direction), ...args) as Promise<number>, late]);
      if (answer === 'late') throw new Error(`Redis did not answer within ${REDIS_PATIENCE_MS} ms`);
      return Number(answer);
    } catch (e) {
      this.warn(`rate limits not applied: ${(e as Error).message}`);
      return 0;
    } finally {
      clearTimeout(timer);
    }
  }

  private warn(message: string) {
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.logger.warn(message);
  }
}

/** Keys name no email or address in the clear. */
const digest = (subject: string) => createHash('sha256').update(subject).digest('base64url').slice(0, 22);

/** "12 s", "4 min": how a message tells a person when to come back. */
export const inWords = (ms: number) => (ms < 90_000 ? `${Math.ceil(ms / 1000)} s` : `${Math.ceil(ms / 60_000)} min`);
