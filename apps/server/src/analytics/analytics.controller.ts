import { Controller, Get, Query } from '@nestjs/common';
import type { AnalyticsDto } from '@genbox/contracts';
import { z } from 'zod';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser } from '../auth/auth.guard.js';
import { parseInput } from '../common/validate.js';
import { AnalyticsService } from './analytics.service.js';

const Instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO 8601 date or date-time' }).transform((s) => new Date(s));
const AnalyticsQuery = z
  .object({ box_id: z.string().min(1).optional(), from: Instant.optional(), to: Instant.optional() })
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ['to'], message: 'must be after from' });

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
