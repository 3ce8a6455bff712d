import { type FailureAnalytics, failureOf } from '@genbox/contracts';
import type { FailureRow } from './analytics.repository.js';

/**
 * Failures grouped by what the board tells a teammate (the sentence of `failureOf`), so codes
 * that read the same to a person count together; the provider's sample message only for admins.
 */
export function failureCauses(rows: FailureRow[], withSamples: boolean): FailureAnalytics[] {
  const causes = new Map<string, FailureAnalytics>();
  for (const r of rows) {
    const failure = failureOf('FAILED', r.error_code)!;
    const cause = causes.get(failure.message) ?? { cause: failure.message, fixed_by: failure.fixed_by, count: 0, codes: [] };
    cause.count += r.count;
    cause.codes.push({ error_code: r.error_code ?? 'unknown', count: r.count, sample_message: withSamples ? r.sample_message : null });
    causes.set(failure.message, cause);
  }
  return [...causes.values()].sort((a, b) => b.count - a.count || a.cause.localeCompare(b.cause));
}
