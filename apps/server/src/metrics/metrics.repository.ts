import { Inject, Injectable } from '@nestjs/common';
import { DATABASE } from '../common/tokens.js';
import type { Database } from '../database/database.js';

export interface FinishedRow { model: string; status: 'COMPLETED' | 'FAILED' | 'CANCELED'; n: number }
export interface RecentRow { model: string; pending: number; processing: number; done: number; sum: number; p50: number | null; p95: number | null }

/** The two queries of a scrape; both read the database so every API node reports the same numbers. */
@Injectable()
export class MetricsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Finished generation runs by model and outcome, from the history: a retried failure stays counted. */
  finished(): Promise<FinishedRow[]> {
    return this.db.query<FinishedRow>(
      `SELECT coalesce(m.slug, '(deleted)') AS model, e.to_status AS status, count(*)::float8 AS n
         FROM asset_events e
         JOIN assets a ON a.id = e.asset_id
         LEFT JOIN ai_models m ON m.id = a.model_id
        WHERE e.to_status IN ('COMPLETED', 'FAILED', 'CANCELED') AND a.source_type <> 'UPLOADED'
        GROUP BY 1, 2`,
    );
  }

  /** Per model: what is pending or processing now, and durations (created → completed) of the last `windowS` seconds. */
  recent(windowS: number): Promise<RecentRow[]> {
    return this.db.query<RecentRow>(
      `SELECT coalesce(m.slug, '(deleted)') AS model,
              count(*) FILTER (WHERE a.status = 'PENDING')::int AS pending,
              count(*) FILTER (WHERE a.status = 'PROCESSING')::int AS processing,
              count(*) FILTER (WHERE a.status = 'COMPLETED')::int AS done,
              coalesce(sum(a.d) FILTER (WHERE a.status = 'COMPLETED'), 0)::float8 AS sum,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY a.d) FILTER (WHERE a.status = 'COMPLETED') AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY a.d) FILTER (WHERE a.status = 'COMPLETED') AS p95
         FROM (SELECT status, model_id, extract(epoch FROM completed_at - created_at)::float8 AS d
                 FROM assets
                WHERE source_type <> 'UPLOADED'
                  AND (status IN ('PENDING', 'PROCESSING') OR (status = 'COMPLETED' AND completed_at > now() - make_interval(secs => $1)))) a
         LEFT JOIN ai_models m ON m.id = a.model_id
        GROUP BY 1`,
      [windowS],
    );
  }
}
