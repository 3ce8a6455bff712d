import type { DayAnalytics } from '@genbox/contracts';
import { describe, expect, it } from 'vitest';
import { MAX_FILLED_DAYS, chartDays } from './runsPerDay';

const day = (d: string, count = 1): DayAnalytics => ({ day: d, count, completed: count, failed: 0, canceled: 0, cost: 0 });

describe('the days the chart draws', () => {
  it('fills the quiet days between the first and last with empty bars, across a month end', () => {
    expect(chartDays([day('2026-01-30', 3), day('2026-02-02', 1)]).map((d) => [d.day, d.count])).toEqual([
      ['2026-01-30', 3], ['2026-01-31', 0], ['2026-02-01', 0], ['2026-02-02', 1],
    ]);
  });

  it('keeps only the days with runs when the span is too long to draw a bar per day', () => {
    const first = new Date(Date.UTC(2026, 0, 1));
    const last = new Date(first.getTime() + MAX_FILLED_DAYS * 86_400_000).toISOString().slice(0, 10);
    expect(chartDays([day('2026-01-01'), day(last)]).map((d) => d.day)).toEqual(['2026-01-01', last]);
  });

  it('spans the whole range the report covers, to the day before its exclusive end', () => {
    const drawn = chartDays([day('2026-03-03', 2)], { from: '2026-03-01T00:00:00.000Z', to: '2026-03-05T00:00:00.000Z' });
    expect(drawn.map((d) => [d.day, d.count])).toEqual([['2026-03-01', 0], ['2026-03-02', 0], ['2026-03-03', 2], ['2026-03-04', 0]]);
  });

  it('draws one day or none as it is', () => {
    expect(chartDays([])).toEqual([]);
    expect(chartDays([day('2026-03-01')])).toEqual([day('2026-03-01')]);
  });
});
