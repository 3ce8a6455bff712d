import { Injectable } from '@nestjs/common';
import type { AnalyticsDto, ModelAnalytics, PersonAnalytics, ProviderCost } from '@genbox/contracts';
import type { UserRow } from '../auth/users.repository.js';
import { BoxAccessService } from '../boxes/box-access.service.js';
import { requireAdmin } from '../auth/auth.guard.js';
import { AnalyticsRepository, type AnalyticsScope, type ModelRow, type PersonRow, type ProviderCostRow } from './analytics.repository.js';
import { failureCauses } from './failure-causes.js';

/** Who may see which numbers: a box's members see the box; only admins see the whole install. */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly access: BoxAccessService,
    private readonly analytics: AnalyticsRepository,
  ) {}

  async report(user: UserRow, scope: AnalyticsScope): Promise<AnalyticsDto> {
    // emails as the member list shows them: to a box's owners; install-wide, to admins
    // (a box's report is its members' business, admins included: the membership check always runs)
    let seesEmails = user.is_admin;
    if (scope.boxId) seesEmails = (await this.access.require(scope.boxId, user.id, 'viewer')) === 'owner' || seesEmails;
    else requireAdmin(user);
    const { summary: s, models, people, failures, providerCosts, days } = await this.analytics.read(scope);
    const finished = s.completed + s.failed + s.canceled;
    return {
      box_id: scope.boxId,
      from: scope.from?.toISOString() ?? null,
      to: scope.to?.toISOString() ?? null,
      total: s.total,
      completed: s.completed,
      failed: s.failed,
      canceled: s.canceled,
      in_progress: s.in_progress,
      success_rate: finished ? s.completed / finished : null,
      generation_seconds: { p50: s.gen_p50, p95: s.gen_p95 },
      queue_wait_seconds: { p50: s.wait_p50, p95: s.wait_p95 },
      models: models.map((m) => modelFigures(m, providerCosts.filter((c) => c.model_id === m.model_id))),
      people: people.map((p) => personFigures(p, seesEmails)),
      // the provider's own words are for admins, as on the board
      failures: failureCauses(failures, user.is_admin),
      days,
      total_cost: models.reduce((sum, m) => sum + m.cost, 0),
      total_list_cost: models.reduce((sum, m) => sum + m.list_cost, 0),
      provider_costs: byUnit(providerCosts),
    };
  }
}

function modelFigures(m: ModelRow, costs: ProviderCostRow[]): ModelAnalytics {
  const { gen_p50, gen_p95, wait_p50, wait_p95, ...rest } = m;
  return { ...rest, generation_seconds: { p50: gen_p50, p95: gen_p95 }, queue_wait_seconds: { p50: wait_p50, p95: wait_p95 }, provider_costs: byUnit(costs) };
}

const personFigures = (p: PersonRow, seesEmails: boolean): PersonAnalytics => ({ ...p, email: seesEmails ? p.email : null });

/** Provider-reported costs summed per unit (units never add up across providers). */
function byUnit(rows: ProviderCostRow[]): ProviderCost[] {
  const units = new Map<string, ProviderCost>();
  for (const r of rows) {
    const u = units.get(r.unit) ?? { unit: r.unit, amount: 0, runs: 0 };
    units.set(r.unit, { unit: r.unit, amount: u.amount + r.amount, runs: u.runs + r.runs });
  }
  return [...units.values()].sort((a, b) => a.unit.localeCompare(b.unit));
}
