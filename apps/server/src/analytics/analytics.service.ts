import { Injectable } from '@nestjs/common';
import type { AnalyticsDto } from '@genbox/contracts';
import type { UserRow } from '../auth/users.repository.js';
import { BoxAccessService } from '../boxes/box-access.service.js';
import { requireAdmin } from '../auth/auth.guard.js';
import { AnalyticsRepository, type AnalyticsScope } from './analytics.repository.js';

/** Who may see which numbers: a box's members see the box; only admins see the whole install. */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly access: BoxAccessService,
    private readonly analytics: AnalyticsRepository,
  ) {}

  async report(user: UserRow, scope: AnalyticsScope): Promise<AnalyticsDto> {
    if (scope.boxId) await this.access.require(scope.boxId, user.id, 'viewer');
    else requireAdmin(user);
    const { summary: s, models, failures } = await this.analytics.read(scope);
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
      models,
      failures,
      total_cost: models.reduce((sum, m) => sum + m.cost, 0),
    };
  }
}
