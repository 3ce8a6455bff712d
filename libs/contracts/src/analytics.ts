import { z } from 'zod';
import { FAILURE_FIXERS } from './failures.js';

const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO 8601 date or date-time' })
  .transform((s) => new Date(s));

/**
 * `GET /api/analytics?box_id=&from=&to=`: generations (never uploads) created in [from, to),
 * for one box (its members) or the whole install (admins).
 */
export const AnalyticsQuery = z
  .object({
    box_id: z.string().min(1).optional(),
    from: Instant.optional().describe('ISO 8601; inclusive'),
    to: Instant.optional().describe('ISO 8601; exclusive'),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ['to'], message: 'must be after from' });
export type AnalyticsQuery = z.input<typeof AnalyticsQuery>;

/** Percentiles in seconds; null when no generation qualifies. */
const DurationPercentiles = z.strictObject({ p50: z.number().nullable(), p95: z.number().nullable() });
export type DurationPercentiles = z.infer<typeof DurationPercentiles>;

/** What providers themselves reported runs cost, in their own unit (Kie credits, USD, seconds…). */
const ProviderCost = z.strictObject({
  unit: z.string(),
  amount: z.number(),
  runs: z.number().int().describe('Completed runs whose provider reported a cost in this unit'),
});
export type ProviderCost = z.infer<typeof ProviderCost>;

const COST =
  'Credits actually charged: the credits ledger captures of these runs (the price held when each run was queued, kept when it completed; failed and canceled runs are released, so they cost nothing)';
const LIST_COST = "The model's price today times its completed runs: differs from cost when a price changed since, or a run was not charged (free at the time)";

const Outcomes = {
  count: z.number().int().describe('Runs created in the range'),
  completed: z.number().int(),
  failed: z.number().int(),
  canceled: z.number().int(),
  cost: z.number().describe(COST),
};

export const ModelAnalytics = z.strictObject({
  model_id: z.string().nullable().describe('null for runs whose model was deleted since'),
  name: z.string().nullable(),
  slug: z.string().nullable(),
  ...Outcomes,
  avg_seconds: z.number().nullable().describe('Mean of completed_at − created_at over completed runs, in seconds'),
  generation_seconds: DurationPercentiles.describe('completed_at − created_at of completed runs of this model'),
  queue_wait_seconds: DurationPercentiles.describe('started_at − created_at of runs of this model a worker picked up'),
  list_cost: z.number().describe(LIST_COST),
  provider_costs: z.array(ProviderCost),
});
export type ModelAnalytics = z.infer<typeof ModelAnalytics>;

export const PersonAnalytics = z.strictObject({
  user_id: z.string().nullable().describe('null for runs of accounts deleted since'),
  name: z.string().nullable().describe('Display name'),
  email: z
    .string()
    .nullable()
    .describe("Shown to the box's owners and, install-wide, to admins (as members' emails are); null for everyone else"),
  ...Outcomes,
});
export type PersonAnalytics = z.infer<typeof PersonAnalytics>;

export const FailureCodeAnalytics = z.strictObject({
  error_code: z.string(),
  count: z.number().int(),
  sample_message: z.string().nullable().describe("The provider's words of the latest failure with this code: admins only (null for everyone else)"),
});
export type FailureCodeAnalytics = z.infer<typeof FailureCodeAnalytics>;

/** Failures grouped as the board shows them: by the sentence a failed card reads (libs/contracts failures.ts). */
export const FailureAnalytics = z.strictObject({
  cause: z.string().describe('The sentence a failed card shows for these runs'),
  fixed_by: z.enum(FAILURE_FIXERS),
  count: z.number().int(),
  codes: z.array(FailureCodeAnalytics).describe('The technical error codes behind this cause, most frequent first'),
});
export type FailureAnalytics = z.infer<typeof FailureAnalytics>;

export const DayAnalytics = z.strictObject({
  day: z.string().describe('A UTC day, YYYY-MM-DD, on which runs were started (created_at)'),
  ...Outcomes,
});
export type DayAnalytics = z.infer<typeof DayAnalytics>;

export const AnalyticsDto = z
  .strictObject({
    box_id: z.string().nullable(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    total: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    canceled: z.number().int(),
    in_progress: z.number().int().describe('PENDING or PROCESSING'),
    success_rate: z.number().nullable().describe('completed / (completed + failed + canceled); null before anything finished'),
    generation_seconds: DurationPercentiles.describe('completed_at − created_at of completed generations'),
    queue_wait_seconds: DurationPercentiles.describe('started_at − created_at of generations a worker has picked up'),
    models: z.array(ModelAnalytics).describe('Per model, most runs first'),
    people: z.array(PersonAnalytics).describe('Per person who started runs, most runs first'),
    failures: z.array(FailureAnalytics).describe('Per cause, most failures first'),
    days: z.array(DayAnalytics).describe('Per UTC day, oldest first; days without runs are left out'),
    total_cost: z.number().describe(COST),
    total_list_cost: z.number().describe(LIST_COST),
    provider_costs: z.array(ProviderCost).describe('Totals of what providers reported, per unit'),
  })
  .meta({ id: 'Analytics' });
export type AnalyticsDto = z.infer<typeof AnalyticsDto>;
