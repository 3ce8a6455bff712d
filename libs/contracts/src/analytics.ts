/**
 * `GET /api/analytics?box_id=&from=&to=`: generations (never uploads) created in [from, to),
 * for one box (its members) or the whole install (admins).
 */
export interface AnalyticsQuery {
  box_id?: string;
  /** ISO 8601; inclusive. */
  from?: string;
  /** ISO 8601; exclusive. */
  to?: string;
}

/** Percentiles in seconds; null when no generation qualifies. */
export interface DurationPercentiles {
  p50: number | null;
  p95: number | null;
}

export interface ModelAnalytics {
  /** null for runs whose model was deleted since. */
  model_id: string | null;
  name: string | null;
  slug: string | null;
  count: number;
  completed: number;
  failed: number;
  canceled: number;
  /** Mean of completed_at − created_at over completed runs, in seconds. */
  avg_seconds: number | null;
  /** The model's cost (credits) times its completed runs. */
  cost: number;
}

export interface FailureAnalytics {
  error_code: string;
  count: number;
  /** The message of the latest failure with this code. */
  sample_message: string | null;
}

export interface AnalyticsDto {
  box_id: string | null;
  from: string | null;
  to: string | null;
  total: number;
  completed: number;
  failed: number;
  canceled: number;
  /** PENDING or PROCESSING. */
  in_progress: number;
  /** completed / (completed + failed + canceled); null before anything finished. */
  success_rate: number | null;
  /** completed_at − created_at of completed generations. */
  generation_seconds: DurationPercentiles;
  /** started_at − created_at of generations a worker has picked up. */
  queue_wait_seconds: DurationPercentiles;
  models: ModelAnalytics[];
  failures: FailureAnalytics[];
  total_cost: number;
}
