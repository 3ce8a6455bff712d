import type { DayAnalytics } from '@genbox/contracts';

/** Past this many days the chart shows only the days that had runs, rather than a bar per calendar day. */
export const MAX_FILLED_DAYS = 92;

const DAY_MS = 86_400_000;

/**
 * The days to draw: every calendar day of the report's range (from its first to its last day
 * with runs where the range is open), the quiet ones as zero bars, so a gap in the chart is a gap
 * in time. A span longer than MAX_FILLED_DAYS keeps only the days that had runs (an all-time view
 * of a year would be bars too thin to read).
 */
export function chartDays(days: DayAnalytics[], range: { from: string | null; to: string | null } = { from: null, to: null }): DayAnalytics[] {
  if (!days.length) return days;
  const dayOf = (ms: number) => Date.parse(`${new Date(ms).toISOString().slice(0, 10)}T00:00:00Z`);
  const first = range.from ? dayOf(Date.parse(range.from)) : Date.parse(`${days[0]!.day}T00:00:00Z`);
  // `to` is exclusive: the range's last day is the one before it
  const last = range.to ? dayOf(Date.parse(range.to) - 1) : Date.parse(`${days[days.length - 1]!.day}T00:00:00Z`);
  const span = Math.round((last - first) / DAY_MS) + 1;
  if (span > MAX_FILLED_DAYS) return days;
  const byDay = new Map(days.map((d) => [d.day, d]));
  return Array.from({ length: span }, (_, i) => {
    const day = new Date(first + i * DAY_MS).toISOString().slice(0, 10);
    return byDay.get(day) ?? { day, count: 0, completed: 0, failed: 0, canceled: 0, cost: 0 };
  });
}

/** "Sat, 10 Jan 2026", in UTC as the days are. */
export function dayLabel(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** What a screen reader hears for one bar. */
export function dayDescription(d: DayAnalytics): string {
  if (!d.count) return `${dayLabel(d.day)}: no runs`;
  const running = d.count - d.completed - d.failed - d.canceled;
  return `${dayLabel(d.day)}: ${d.count} run${d.count === 1 ? '' : 's'}, ${d.completed} finished, ${d.failed} failed, ${d.canceled} canceled${running ? `, ${running} still running` : ''}`;
}
