import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { CreditsQuery, GrantCreditsRequest } from '@genbox/contracts';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser, requireAdmin } from '../auth/auth.guard.js';
import { parseInput } from '../common/validate.js';
import { CreditsService } from './credits.service.js';

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
    return this.credits.grant(u, parseInput(GrantCreditsRequest, body));
  }
}
