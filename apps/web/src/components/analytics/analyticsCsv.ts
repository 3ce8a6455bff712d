import type { AnalyticsDto, ProviderCost } from '@genbox/contracts';

/**
 * One CSV cell. Text a spreadsheet would read as a formula (starting with = + - @, or a tab or
 * carriage return that some strip before looking) gets a leading apostrophe, so a model or a
 * person named "=HYPERLINK(…)" stays text; every text cell is quoted.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

const row = (cells: (string | number | null | undefined)[]) => cells.map(csvCell).join(',');
const providerCosts = (costs: ProviderCost[]) => costs.map((c) => `${c.amount} ${c.unit}`).join('; ');

/** The report as a spreadsheet opens it: a section per table, separated by a blank line. */
export function analyticsCsv(r: AnalyticsDto): string {
  return [
    row(['section', 'from', 'to', 'runs', 'completed', 'failed', 'canceled', 'success_rate', 'run_p50_s', 'run_p95_s', 'wait_p50_s', 'wait_p95_s', 'credits_charged', 'credits_at_list_price', 'provider_reported']),
    row(['summary', r.from ?? 'start', r.to ?? 'now', r.total, r.completed, r.failed, r.canceled, r.success_rate, r.generation_seconds.p50, r.generation_seconds.p95,
      r.queue_wait_seconds.p50, r.queue_wait_seconds.p95, r.total_cost, r.total_list_cost, providerCosts(r.provider_costs)]),
    '',
    row(['model', 'runs', 'completed', 'failed', 'canceled', 'run_p50_s', 'run_p95_s', 'wait_p50_s', 'wait_p95_s', 'credits_charged', 'credits_at_list_price', 'provider_reported']),
    ...r.models.map((m) => row([m.name ?? 'Deleted model', m.count, m.completed, m.failed, m.canceled, m.generation_seconds.p50, m.generation_seconds.p95,
      m.queue_wait_seconds.p50, m.queue_wait_seconds.p95, m.cost, m.list_cost, providerCosts(m.provider_costs)])),
    '',
    row(['person', 'email', 'runs', 'completed', 'failed', 'canceled', 'credits_charged']),
    ...r.people.map((p) => row([p.name ?? 'Deleted account', p.email, p.count, p.completed, p.failed, p.canceled, p.cost])),
    '',
    row(['day_utc', 'runs', 'completed', 'failed', 'canceled', 'credits_charged']),
    ...r.days.map((d) => row([d.day, d.count, d.completed, d.failed, d.canceled, d.cost])),
    '',
    row(['failure_cause', 'who_can_fix', 'count', 'error_codes', 'latest_message']),
    ...r.failures.map((f) => row([f.cause, f.fixed_by, f.count, f.codes.map((c) => `${c.error_code} (${c.count})`).join('; '),
      f.codes.map((c) => c.sample_message).find((m) => m) ?? null])),
  ].join('\n') + '\n';
}
