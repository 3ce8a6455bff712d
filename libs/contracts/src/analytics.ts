import { z } from 'zod';

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

export const ModelAnalytics = z.strictObject({
  model_id: z.string().nullable().describe('null for runs whose model was deleted since'),
  name: z.string().nullable(),
  slug: z.string().nullable(),
  count: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  canceled: z.number().int(),
  avg_seconds: z.number().nullable().describe('Mean of completed_at − created_at over completed runs, in seconds'),
  cost: z.number().describe("The model's cost (credits) times its completed runs"),
});
export type ModelAnalytics = z.infer<typeof ModelAnalytics>;

export const FailureAnalytics = z.strictObject({
  error_code: z.string(),
  count: z.number().int(),
  sample_message: z.string().nullable().describe('The message of the latest failure with this code'),
});
export type FailureAnalytics = z.infer<typeof FailureAnalytics>;

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
    models: z.array(ModelAnalytics),
    failures: z.array(FailureAnalytics),
    total_cost: z.number(),
  })
  .meta({ id: 'Analytics' });
export type AnalyticsDto = z.infer<typeof AnalyticsDto>;
