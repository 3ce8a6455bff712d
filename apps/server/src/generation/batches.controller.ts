import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentUser } from '../auth/auth.guard.js';
import type { UserRow } from '../auth/users.repository.js';
import { BatchesService } from './batches.service.js';

/** A batch of a box: how it stands (members) and cancel all (editors and owners). */
@Controller('boxes/:id/batches')
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @Get(':batchId')
  get(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Param('batchId') batchId: string) {
    return this.batches.get(u.id, boxId, batchId);
  }

  @Post(':batchId/cancel') @HttpCode(200)
  cancel(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Param('batchId') batchId: string) {
    return this.batches.cancel(u.id, boxId, batchId);
  }
}
