import type { DayAnalytics } from '@genbox/contracts';

/** Past this many days the chart shows only the days that had runs, rather than a bar per calendar day. */
export const MAX_FILLED_DAYS = 92;

const DAY_MS = 86_400_000;

/**
 * The days to draw: every calendar day from the first to the last that had runs, the quiet ones
 * as zero bars, so a gap in the chart is a gap in time. A span longer than MAX_FILLED_DAYS keeps
 * only the days that had runs (an all-time view of a year would be bars too thin to read).
 */
export function chartDays(days: DayAnalytics[]): DayAnalytics[] {
  if (days.length < 2) return days;
  const first = Date.parse(`${days[0]!.day}T00:00:00Z`);
  const last = Date.parse(`${days[days.length - 1]!.day}T00:00:00Z`);
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
