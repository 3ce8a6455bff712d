import type { ModelConfig, PollSchedule, ProviderAdapter } from './adapter.js';

/** Stop waiting after this long by default (Kie suggests 10–15 min; video models can be slow). */
export const DEFAULT_TASK_TIMEOUT_MS = 15 * 60_000;

const between = (lo: number, hi: number, random: () => number) => Math.round(lo + (hi - lo) * random());

/**
 * Every 2–3 s for the first 30 s, then every 5–10 s until 2 min, then every 15–30 s.
 * The jitter spreads many assets submitted together so their polls do not arrive in step.
 */
export function defaultPollSchedule(random: () => number = Math.random): PollSchedule {
  return (_attempt, elapsedMs) => {
    if (elapsedMs < 30_000) return between(2_000, 3_000, random);
    if (elapsedMs < 120_000) return between(5_000, 10_000, random);
    return between(15_000, 30_000, random);
  };
}

/** A fixed interval, for models whose rows say so (and for tests). */
export function fixedPollSchedule(intervalMs: number): PollSchedule {
  return () => intervalMs;
}

/** `response_mapping.poll` on a model row: overrides the adapter's schedule and overall timeout. */
export interface PollOverride {
  /** ms between polls; a fixed interval replaces the stepped default. */
  interval_ms?: number;
  /** ms after submit before an unfinished task fails as generation_timeout. */
  timeout_ms?: number;
}

/** Reads `response_mapping.poll`, ignoring anything that is not a positive number. */
export function readPollOverride(responseMapping: unknown): PollOverride {
  const poll = (responseMapping as { poll?: unknown } | null)?.poll;
  if (!poll || typeof poll !== 'object') return {};
  const { interval_ms, timeout_ms } = poll as Record<string, unknown>;
  const positive = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
  return { interval_ms: positive(interval_ms), timeout_ms: positive(timeout_ms) };
}

export interface PollPlan {
  schedule: PollSchedule;
  timeoutMs: number;
}

/** What the worker uses for one model: the adapter's defaults, with the model row's override on top. */
export function pollPlanFor(adapter: Pick<ProviderAdapter, 'pollSchedule' | 'timeoutMs'>, model: Pick<ModelConfig, 'responseMapping'>): PollPlan {
  const override = readPollOverride(model.responseMapping);
  return {
    schedule: override.interval_ms ? fixedPollSchedule(override.interval_ms) : adapter.pollSchedule,
    timeoutMs: override.timeout_ms ?? adapter.timeoutMs,
  };
}
