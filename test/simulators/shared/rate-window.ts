/**
 * A provider's request limit: at most `max` requests in any `windowMs` (a sliding window, as the
 * providers describe theirs). `take()` counts a request and says whether it was within the limit,
 * and if not, how long until a slot frees (for Retry-After).
 */
export class RateWindow {
  private readonly stamps: number[] = [];

  constructor(readonly max: number, readonly windowMs: number, private readonly now: () => number = Date.now) {}

  take(): { ok: true } | { ok: false; retryAfterMs: number } {
    const t = this.now();
    while (this.stamps.length && this.stamps[0]! <= t - this.windowMs) this.stamps.shift();
    if (this.stamps.length >= this.max) return { ok: false, retryAfterMs: this.stamps[0]! + this.windowMs - t };
    this.stamps.push(t);
    return { ok: true };
  }
}

/** Retry-After in whole seconds, never 0 (a client must wait at least a little). */
export const retryAfterSeconds = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)));
