import { describe, expect, it } from 'vitest';
import { defaultPollSchedule, pollPlanFor, readPollOverride } from './poll.js';

describe('poll schedule', () => {
  it.each([
    [0, 2_000, 3_000],
    [29_000, 2_000, 3_000],
    [30_000, 5_000, 10_000],
    [119_000, 5_000, 10_000],
    [120_000, 15_000, 30_000],
    [600_000, 15_000, 30_000],
  ])('after %i ms it waits between %i and %i ms', (elapsed, lo, hi) => {
    expect(defaultPollSchedule(() => 0)(0, elapsed)).toBe(lo);
    expect(defaultPollSchedule(() => 1)(0, elapsed)).toBe(hi);
    const jittered = defaultPollSchedule()(0, elapsed);
    expect(jittered).toBeGreaterThanOrEqual(lo);
    expect(jittered).toBeLessThanOrEqual(hi);
  });

  it.each([
    [{ poll: { interval_ms: 500, timeout_ms: 60_000 } }, { interval_ms: 500, timeout_ms: 60_000 }],
    [{ poll: { interval_ms: -1, timeout_ms: 'soon' } }, { interval_ms: undefined, timeout_ms: undefined }],
    [null, {}],
    [{}, {}],
  ])('reads the model override %j', (mapping, expected) => expect(readPollOverride(mapping)).toEqual(expected));

  it('a model row overrides the adapter defaults', () => {
    const adapter = { pollSchedule: defaultPollSchedule(), timeoutMs: 900_000 };
    const plan = pollPlanFor(adapter, { responseMapping: { poll: { interval_ms: 250 } } });
    expect(plan.schedule(3, 200_000)).toBe(250);
    expect(plan.timeoutMs).toBe(900_000);
    expect(pollPlanFor(adapter, { responseMapping: null }).schedule).toBe(adapter.pollSchedule);
  });
});
