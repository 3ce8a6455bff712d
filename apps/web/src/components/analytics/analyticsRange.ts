/** The ranges a team asks about; `custom` takes the URL's own `from` and `to` days. */
export const RANGE_PRESETS = [
  { value: '1', label: 'Last 24 hours' },
  { value: '7', label: 'Last 7 days' },
  { value: '30', label: 'Last 30 days' },
  { value: 'all', label: 'All time' },
  { value: 'custom', label: 'Custom range' },
] as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export interface ResolvedRange {
  /** ISO instants for the API: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  /** What the page says it shows, and names the CSV after. */
  label: string;
  /** Why the custom days cannot be asked for, or null. */
  problem: string | null;
}

/**
 * The URL's `range` (and for `custom`, `from`/`to` as YYYY-MM-DD days, both included, in UTC as
 * the server counts) turned into the API's [from, to).
 */
export function resolveRange(query: Record<string, unknown>, now = Date.now()): ResolvedRange {
  const range = typeof query.range === 'string' ? query.range : '7';
  if (range === 'all') return { label: 'all-time', problem: null };
  if (range !== 'custom') {
    const days = Number(range);
    const n = Number.isFinite(days) && days > 0 ? days : 7;
    return { from: new Date(now - n * DAY_MS).toISOString(), label: `last-${n}d`, problem: null };
  }
  const from = typeof query.from === 'string' && DAY.test(query.from) ? query.from : null;
  const to = typeof query.to === 'string' && DAY.test(query.to) ? query.to : null;
  if (!from && !to) return { label: 'custom', problem: 'Pick a first day, a last day, or both.' };
  if (from && to && from > to) return { label: 'custom', problem: 'The last day comes before the first day.' };
  return {
    from: from ? `${from}T00:00:00.000Z` : undefined,
    // the last day is included: ask up to the start of the day after
    to: to ? new Date(Date.parse(`${to}T00:00:00.000Z`) + DAY_MS).toISOString() : undefined,
    label: `${from ?? 'start'}_to_${to ?? 'now'}`,
    problem: null,
  };
}
