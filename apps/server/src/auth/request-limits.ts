import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/env.js';
import { CONFIG, REDIS } from '../common/tokens.js';
import { type RateCheck, RateLimitedError, RateLimiter, type RateRule, inWords } from '../common/rate-limiter.js';
import type { Principal } from './token.service.js';

/** A sign-in attempt that holds one of its email's and its address's allowance until it is known to have failed. */
export interface SignInAttempt { email: RateCheck; address: RateCheck }

/**
 * The request allowances, all counted in Redis so that every API node shares them:
 * - sign-ins: per email and per client address, taken before any work (before argon2), given
 *   back when the password was right, so only failures and registrations use them up;
 * - the API: per token and per user (over all of their tokens), one per authenticated request.
 *   An SSE stream or a socket counts once, when it opens; what flows over it afterwards does not.
 */
@Injectable()
export class RequestLimits {
  private readonly limiter: RateLimiter;
  private readonly perEmail: RateRule;
  private readonly perAddress: RateRule;
  private readonly perToken: RateRule;
  private readonly perUser: RateRule;

  constructor(@Inject(REDIS) redis: Redis, @Inject(CONFIG) config: AppConfig) {
    this.limiter = new RateLimiter(redis, config.redisPrefix);
    const { limits } = config;
    this.perEmail = { name: 'sign-in-email', limit: limits.signInPerEmail, windowMs: limits.signInWindowMs };
    this.perAddress = { name: 'sign-in-address', limit: limits.signInPerAddress, windowMs: limits.signInWindowMs };
    this.perToken = { name: 'api-token', limit: limits.apiPerToken, windowMs: limits.apiWindowMs };
    this.perUser = { name: 'api-user', limit: limits.apiPerUser, windowMs: limits.apiWindowMs };
  }

  /** Takes a sign-in or registration attempt for `email` from `address`, or throws 429 with Retry-After. */
  async signIn(email: string, address: string): Promise<SignInAttempt> {
    const attempt = { email: { rule: this.perEmail, subject: email.trim().toLowerCase() }, address: { rule: this.perAddress, subject: address } };
    const wait = await this.limiter.take([attempt.email, attempt.address]);
    if (wait !== null) throw new RateLimitedError(`Too many sign-in attempts for this account or from this address: try again in ${inWords(wait)}`, Math.ceil(wait / 1000));
    return attempt;
  }

  /** The attempt does not count against the email or the address (the password was right, or argon2 was too busy to try it). */
  async release(attempt: SignInAttempt): Promise<void> {
    await this.limiter.giveBack([attempt.email, attempt.address]);
  }

  /** A new account is no failure for its email; it still counts against the address (no minting accounts without end). */
  async registered(attempt: SignInAttempt): Promise<void> {
    await this.limiter.giveBack([attempt.email]);
  }

  /** One request with this token, or 429 with Retry-After. */
  async apiRequest(principal: Principal): Promise<void> {
    const wait = await this.limiter.take([{ rule: this.perToken, subject: principal.access.tokenId }, { rule: this.perUser, subject: principal.user.id }]);
    if (wait !== null) throw new RateLimitedError(`Too many requests with this token or account: try again in ${inWords(wait)}`, Math.ceil(wait / 1000));
  }
}
