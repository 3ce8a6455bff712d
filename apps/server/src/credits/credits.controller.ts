import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser, requireAdmin } from '../auth/auth.guard.js';
import { parseInput } from '../common/validate.js';
import { CreditsService } from './credits.service.js';

const Who = { user_id: z.string().uuid('must be a user id').optional(), email: z.string().trim().email('must be an email address').optional() };
export const CreditsQuery = z.object({
  ...Who,
  cursor: z.string().regex(/^\d+$/, 'must be the next_cursor of a previous page').optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export const GrantBody = z
  .object({
    ...Who,
    amount: z.number().finite().refine((n) => n !== 0, 'must not be zero').refine((n) => Math.abs(n) < 1e10, 'is too large'),
    note: z.string().trim().max(200).optional(),
  })
  .refine((b) => !!b.user_id !== !!b.email, { message: 'name the user with exactly one of user_id or email', path: ['user_id'] });

@Controller()
export class CreditsController {
  constructor(private readonly credits: CreditsService) {}

  /** The caller's balance, held credits and ledger (admins: `?user_id=` or `?email=` for someone else's). */
  @Get('credits')
  show(@CurrentUser() u: UserRow, @Query() query: unknown) {
    return this.credits.show(u, parseInput(CreditsQuery, query));
  }

  /** The ledger alone, a page at a time: {items, next_cursor}. */
  @Get('credits/ledger')
  async ledger(@CurrentUser() u: UserRow, @Query() query: unknown) {
    const { items, next_cursor } = await this.credits.show(u, parseInput(CreditsQuery, query));
    return { items, next_cursor };
  }

  @Post('admin/credits')
  grant(@CurrentUser() u: UserRow, @Body() body: unknown) {
    requireAdmin(u);
    return this.credits.grant(u, parseInput(GrantBody, body));
  }
}
