import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser } from '../auth/auth.guard.js';
import { BoxQueueService } from './box-queue.service.js';

/** `POST /api/boxes/:id/pause` and `/resume` (editors and owners); both answer the box. */
@Controller('boxes')
export class BoxQueueController {
  constructor(private readonly queue: BoxQueueService) {}

  @Post(':id/pause') @HttpCode(200)
  pause(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.queue.setPaused(u.id, id, true);
  }

  @Post(':id/resume') @HttpCode(200)
  resume(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.queue.setPaused(u.id, id, false);
  }
}
