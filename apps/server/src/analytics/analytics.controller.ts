import { Controller, Get, Query } from '@nestjs/common';
import { type AnalyticsDto, AnalyticsQuery } from '@genbox/contracts';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser } from '../auth/auth.guard.js';
import { parseInput } from '../common/validate.js';
import { AnalyticsService } from './analytics.service.js';

@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  /** One box's generations (its members), or every box's (admins only) when box_id is absent. */
  @Get()
  report(@CurrentUser() u: UserRow, @Query() query: unknown): Promise<AnalyticsDto> {
    const q = parseInput(AnalyticsQuery, query);
    return this.analytics.report(u, { boxId: q.box_id ?? null, from: q.from ?? null, to: q.to ?? null });
  }
}
