import { ProviderError } from '@genbox/providers';
import { formatBytes } from '../storage/upload-stream.js';

/** The rules every result download is held to (RESULT_DOWNLOAD_* in config/env.ts). */
export interface DownloadPace {
  /** ms from the first request to the stored file. */
  deadlineMs: number;
  /** Slowest average, in bytes per second, over the last `rateWindowMs`; 0: no such rule. */
  minBytesPerSecond: number;
  /** The window of that average; also the grace period before the first judgement. */
  rateWindowMs: number;
}

/**
 * Watches one result download and aborts `signal` with result_too_slow when it outlives its
 * deadline, or when, once a whole window has passed, the bytes of the last window average under
 * the minimum. The idle timeout of guardedGet only catches a host that goes silent; a host that
 * sends one byte a second is never silent, and would otherwise hold a worker slot for ever.
 */
export class DownloadWatch {
  private readonly controller = new AbortController();
  private readonly started = Date.now();
  private total = 0;
  /** Running totals, at most one window old (plus the one just before it): the base of the average. */
  private readonly samples: { at: number; total: number }[] = [{ at: this.started, total: 0 }];
  private readonly deadline: NodeJS.Timeout;
  private readonly ticker: NodeJS.Timeout | null;
  private readonly onCallerAbort: () => void;

  /** The host named in the reason; the caller updates it after redirects. */
  host: string;

  constructor(
    private readonly pace: DownloadPace,
    url: string,
    private readonly callerSignal?: AbortSignal,
  ) {
    this.host = hostOf(url);
    this.deadline = setTimeout(() => this.stop(this.overDeadline()), pace.deadlineMs).unref();
    // judged about ten times a window (at most each second): precise enough, and nearly free
    this.ticker = pace.minBytesPerSecond > 0 ? setInterval(() => this.judge(), Math.min(1000, Math.max(50, pace.rateWindowMs / 10))).unref() : null;
    this.onCallerAbort = () => this.stop(callerSignal!.reason);
    if (callerSignal?.aborted) this.onCallerAbort();
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** Aborted with the ProviderError that says why (or the caller's own reason). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Counts body bytes as they arrive. */
  count(bytes: number): void {
    this.total += bytes;
  }

  /** Ends the watch: with a reason, aborts the download; without one, the download is done. */
  stop(reason?: unknown): void {
    clearTimeout(this.deadline);
    if (this.ticker) clearInterval(this.ticker);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    if (reason !== undefined && !this.controller.signal.aborted) this.controller.abort(reason);
  }

  private judge(): void {
    const now = Date.now();
    this.samples.push({ at: now, total: this.total });
    const windowStart = now - this.pace.rateWindowMs;
    while (this.samples.length > 1 && this.samples[1]!.at <= windowStart) this.samples.shift();
    if (now - this.started < this.pace.rateWindowMs) return; // the grace period: a slow start is normal
    const base = this.samples[0]!;
    const bytes = this.total - base.total;
    const seconds = (now - base.at) / 1000;
    if (bytes / seconds < this.pace.minBytesPerSecond) this.stop(this.tooSlow(bytes, seconds));
  }

  private tooSlow(bytes: number, seconds: number): ProviderError {
    return new ProviderError(
      'result_too_slow',
      `The result download from ${this.host} was too slow: ${formatBytes(bytes)} in the last ${Math.round(seconds)} s, under the minimum of ${formatBytes(this.pace.minBytesPerSecond)}/s (RESULT_DOWNLOAD_MIN_BYTES_PER_S); Genbox stopped it.`,
    );
  }

  private overDeadline(): ProviderError {
    return new ProviderError(
      'result_too_slow',
      `The result download from ${this.host} passed its deadline: not finished after ${formatDuration(this.pace.deadlineMs)} (RESULT_DOWNLOAD_DEADLINE_MS), ${formatBytes(this.total)} received; Genbox stopped it.`,
    );
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the provider';
  }
}

function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
