import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser, requireAdmin } from '../auth/auth.guard.js';
import { QueueBoardAccess } from './queue-board.access.js';
import { QUEUE_BOARD_PATH } from './queue-board.js';

/** `POST /api/admin/queues/session`: lets an admin's browser open the queue dashboard (a page cannot send the token header). */
@Controller('admin/queues')
export class QueueBoardController {
  constructor(private readonly access: QueueBoardAccess) {}

  @Post('session') @HttpCode(200)
  session(@CurrentUser() user: UserRow, @Res({ passthrough: true }) res: Response): { url: string } {
    requireAdmin(user);
    this.access.grant(res, user.id);
    return { url: QUEUE_BOARD_PATH };
  }
}
