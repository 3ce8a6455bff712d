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
interface Outcomes { count: number; completed: number; failed: number; canceled: number; cost: number }
export interface ModelRow extends Outcomes {
  model_id: string | null; name: string | null; slug: string | null; avg_seconds: number | null;
  gen_p50: number | null; gen_p95: number | null; wait_p50: number | null; wait_p95: number | null; list_cost: number;
}
export interface PersonRow extends Outcomes { user_id: string | null; name: string | null; email: string | null }
export interface FailureRow { error_code: string | null; count: number; sample_message: string | null }
export interface ProviderCostRow { model_id: string | null; unit: string; amount: number; runs: number }
export interface DayRow extends Outcomes { day: string }
export interface AnalyticsRows { summary: SummaryRow; models: ModelRow[]; people: PersonRow[]; failures: FailureRow[]; providerCosts: ProviderCostRow[]; days: DayRow[] }

const GEN_SECONDS = `extract(epoch FROM g.completed_at - g.created_at)::float8`;
const WAIT_SECONDS = `extract(epoch FROM g.started_at - g.created_at)::float8`;
const COMPLETED_TIMED = `g.status = 'COMPLETED' AND g.completed_at IS NOT NULL`;
/** p50 and p95 from one array aggregate: PostgreSQL computes identical aggregates once, so one sort per group, not two. */
const percentiles = (prefix: string, seconds: string, filter: string) => {
  const both = `percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY ${seconds}) FILTER (WHERE ${filter})`;
  return `(${both})[1] AS ${prefix}_p50, (${both})[2] AS ${prefix}_p95`;
};
const TIMES = `${percentiles('gen', GEN_SECONDS, COMPLETED_TIMED)}, ${percentiles('wait', WAIT_SECONDS, 'g.started_at IS NOT NULL')}`;
const OUTCOMES = `count(*)::int AS count,
  count(*) FILTER (WHERE g.status = 'COMPLETED')::int AS completed,
  count(*) FILTER (WHERE g.status = 'FAILED')::int AS failed,
  count(*) FILTER (WHERE g.status = 'CANCELED')::int AS canceled,
  coalesce(sum(g.charged), 0)::float8 AS cost`;

/** Analytics queries: aggregates and percentiles in PostgreSQL, generations only (never uploads). */
@Injectable()
export class AnalyticsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async read(scope: AnalyticsScope): Promise<AnalyticsRows> {
    const { from, params } = scoped(scope, false);
    // only the figures with a cost join the ledger: it is the largest table they read
    const { from: fromCharged } = scoped(scope, true);
    const [[summary], models, people, failures, providerCosts, days] = await Promise.all([
      this.db.query<SummaryRow>(
        `SELECT count(*)::int AS total,
                count(*) FILTER (WHERE g.status = 'COMPLETED')::int AS completed,
                count(*) FILTER (WHERE g.status = 'FAILED')::int AS failed,
                count(*) FILTER (WHERE g.status = 'CANCELED')::int AS canceled,
                count(*) FILTER (WHERE g.status IN ('PENDING', 'PROCESSING'))::int AS in_progress,
                ${TIMES}
           ${from}`,
        params,
      ),
      this.db.query<ModelRow>(
        `SELECT g.model_id, m.name, m.slug, ${OUTCOMES},
                avg(${GEN_SECONDS}) FILTER (WHERE ${COMPLETED_TIMED})::float8 AS avg_seconds,
                ${TIMES},
                (coalesce(m.cost, 0) * count(*) FILTER (WHERE g.status = 'COMPLETED'))::float8 AS list_cost
           ${fromCharged}
           LEFT JOIN ai_models m ON m.id = g.model_id
          GROUP BY g.model_id, m.name, m.slug, m.cost
          ORDER BY count(*) DESC, m.slug`,
        params,
      ),
      this.db.query<PersonRow>(
        `SELECT g.created_by AS user_id, u.display_name AS name, u.email, ${OUTCOMES}
           ${fromCharged}
           LEFT JOIN users u ON u.id = g.created_by
          GROUP BY g.created_by, u.display_name, u.email
          ORDER BY count(*) DESC, u.display_name`,
        params,
      ),
      this.db.query<FailureRow>(
        `SELECT g.error_code, count(*)::int AS count,
                (array_agg(g.error_message ORDER BY g.completed_at DESC NULLS LAST) FILTER (WHERE g.error_message IS NOT NULL))[1] AS sample_message
           ${from}
          WHERE g.status = 'FAILED'
          GROUP BY 1
          ORDER BY count(*) DESC, 1`,
        params,
      ),
      // every attempt the provider billed, also one whose result was then lost (it was still charged)
      this.db.query<ProviderCostRow>(
        `SELECT g.model_id, pc.provider_cost_unit AS unit, sum(pc.provider_cost)::float8 AS amount, count(DISTINCT pc.asset_id)::int AS runs
           ${from}
           JOIN provider_costs pc ON pc.asset_id = g.id
          GROUP BY 1, 2
          ORDER BY 2`,
        params,
      ),
      this.db.query<DayRow>(
        `SELECT to_char(g.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, ${OUTCOMES}
           ${fromCharged}
          GROUP BY 1
          ORDER BY 1`,
        params,
      ),
    ]);
    return { summary: summary!, models, people, failures, providerCosts, days };
  }
}

/**
 * `FROM (…) g`: the generations in scope, as a subquery so each query adds its own WHERE; with
 * `charged`, each with the credits its ledger capture took (null when never charged). A run is
 * captured at most once (COMPLETED is final), so the join adds no rows; a join rather than a
 * per-row subquery lets PostgreSQL hash it on an install-wide range.
 */
function scoped(scope: AnalyticsScope, charged: boolean): { from: string; params: unknown[] } {
  const where = [`a.source_type <> 'UPLOADED'`];
  const params: unknown[] = [];
  if (scope.boxId) where.push(`a.box_id = $${params.push(scope.boxId)}`);
  if (scope.from) where.push(`a.created_at >= $${params.push(scope.from)}`);
  if (scope.to) where.push(`a.created_at < $${params.push(scope.to)}`);
  const from = `FROM (SELECT a.id, a.status, a.model_id, a.created_by, a.error_code, a.error_message, a.created_at, a.started_at, a.completed_at,
                             ${charged ? 'l.amount' : 'NULL::numeric'} AS charged
                        FROM assets a
                        ${charged ? `LEFT JOIN credit_ledger l ON l.asset_id = a.id AND l.kind = 'capture'` : ''}
                       WHERE ${where.join(' AND ')}) g`;
  return { from, params };
}
