import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { RateLimitedError } from '../common/rate-limiter.js';

/** argon2 runs at once per process; each takes tens of ms of CPU and memory. */
const MAX_RUNNING = 2;
/**
 * Hashes waiting beyond this are refused with 429 and Retry-After: a flood of logins cannot queue
 * up unbounded work, and nobody waits behind more than a few rounds of hashing.
 */
const MAX_WAITING = 8;

/** Compared against when the email is unknown, so an unknown email costs as much as a wrong password. */
const DUMMY_HASH = argon2.hash('genbox-no-such-account');

/**
 * argon2 behind a small gate: a few hashes run at once, a bounded number wait, the rest are
 * refused (429) rather than tying up the event loop's thread pool for everyone.
 */
@Injectable()
export class PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** What the gate has done since start (tests and diagnostics read it). */
  readonly stats = { runs: 0, peakRunning: 0, refused: 0 };

  hash(password: string): Promise<string> {
    return this.gated(() => argon2.hash(password));
  }

  /** Whether `password` matches `hash`; with no hash (unknown account), the same work, then false. */
  async verify(hash: string | null, password: string): Promise<boolean> {
    const against = hash ?? (await DUMMY_HASH);
    const ok = await this.gated(() => argon2.verify(against, password).catch(() => false));
    return ok && hash !== null;
  }

  private async gated<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= MAX_RUNNING) {
      if (this.waiting.length >= MAX_WAITING) {
        this.stats.refused++;
        throw new RateLimitedError('Too many sign-ins at once: try again in 1 s', 1);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    this.stats.runs++;
    this.stats.peakRunning = Math.max(this.stats.peakRunning, this.running);
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
