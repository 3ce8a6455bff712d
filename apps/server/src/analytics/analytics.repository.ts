import { Inject, Injectable } from '@nestjs/common';
import { DATABASE } from '../common/tokens.js';
import type { Database } from '../database/database.js';

export interface AnalyticsScope {
  boxId: string | null;
  from: Date | null;
  to: Date | null;
}

export interface SummaryRow {
  total: number; completed: number; failed: number; canceled: number; in_progress: number;
  gen_p50: number | null; gen_p95: number | null; wait_p50: number | null; wait_p95: number | null;
}
export interface ModelRow {
  model_id: string | null; name: string | null; slug: string | null;
  count: number; completed: number; failed: number; canceled: number; avg_seconds: number | null; cost: number;
}
export interface FailureRow { error_code: string; count: number; sample_message: string | null }

const GEN_SECONDS = `extract(epoch FROM g.completed_at - g.created_at)::float8`;
const WAIT_SECONDS = `extract(epoch FROM g.started_at - g.created_at)::float8`;

/** Analytics queries: aggregates and percentiles in PostgreSQL, generations only (never uploads). */
@Injectable()
export class AnalyticsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async read(scope: AnalyticsScope): Promise<{ summary: SummaryRow; models: ModelRow[]; failures: FailureRow[] }> {
    const { from, params } = scoped(scope);
    const [[summary], models, failures] = await Promise.all([
      this.db.query<SummaryRow>(
        `SELECT count(*)::int AS total,
                count(*) FILTER (WHERE g.status = 'COMPLETED')::int AS completed,
                count(*) FILTER (WHERE g.status = 'FAILED')::int AS failed,
                count(*) FILTER (WHERE g.status = 'CANCELED')::int AS canceled,
                count(*) FILTER (WHERE g.status IN ('PENDING', 'PROCESSING'))::int AS in_progress,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY ${GEN_SECONDS}) FILTER (WHERE g.status = 'COMPLETED' AND g.completed_at IS NOT NULL) AS gen_p50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY ${GEN_SECONDS}) FILTER (WHERE g.status = 'COMPLETED' AND g.completed_at IS NOT NULL) AS gen_p95,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY ${WAIT_SECONDS}) FILTER (WHERE g.started_at IS NOT NULL) AS wait_p50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY ${WAIT_SECONDS}) FILTER (WHERE g.started_at IS NOT NULL) AS wait_p95
           ${from}`,
        params,
      ),
      this.db.query<ModelRow>(
        `SELECT g.model_id, m.name, m.slug,
                count(*)::int AS count,
                count(*) FILTER (WHERE g.status = 'COMPLETED')::int AS completed,
                count(*) FILTER (WHERE g.status = 'FAILED')::int AS failed,
                count(*) FILTER (WHERE g.status = 'CANCELED')::int AS canceled,
                avg(${GEN_SECONDS}) FILTER (WHERE g.status = 'COMPLETED' AND g.completed_at IS NOT NULL)::float8 AS avg_seconds,
                (coalesce(m.cost, 0) * count(*) FILTER (WHERE g.status = 'COMPLETED'))::float8 AS cost
           ${from}
           LEFT JOIN ai_models m ON m.id = g.model_id
          GROUP BY g.model_id, m.name, m.slug, m.cost
          ORDER BY count(*) DESC, m.slug`,
        params,
      ),
      this.db.query<FailureRow>(
        `SELECT coalesce(g.error_code, 'unknown') AS error_code, count(*)::int AS count,
                (array_agg(g.error_message ORDER BY g.completed_at DESC NULLS LAST) FILTER (WHERE g.error_message IS NOT NULL))[1] AS sample_message
           ${from}
          WHERE g.status = 'FAILED'
          GROUP BY 1
          ORDER BY count(*) DESC, 1`,
        params,
      ),
    ]);
    return { summary: summary!, models, failures };
  }
}

/** `FROM (…) g`: the generations in scope, as a subquery so each query adds its own WHERE. */
function scoped(scope: AnalyticsScope): { from: string; params: unknown[] } {
  const where = [`a.source_type <> 'UPLOADED'`];
  const params: unknown[] = [];
  if (scope.boxId) where.push(`a.box_id = $${params.push(scope.boxId)}`);
  if (scope.from) where.push(`a.created_at >= $${params.push(scope.from)}`);
  if (scope.to) where.push(`a.created_at < $${params.push(scope.to)}`);
  const from = `FROM (SELECT a.status, a.model_id, a.error_code, a.error_message, a.created_at, a.started_at, a.completed_at
                        FROM assets a WHERE ${where.join(' AND ')}) g`;
  return { from, params };
}
