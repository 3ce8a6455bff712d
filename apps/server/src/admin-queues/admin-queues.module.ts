import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { QueueBoardAccess } from './queue-board.access.js';
import { QueueBoardController } from './queue-board.controller.js';

/** Bull Board for admins, and who may open it (ROLE=api|all). */
@Module({
  imports: [AuthModule],
  controllers: [QueueBoardController],
  providers: [QueueBoardAccess],
  exports: [QueueBoardAccess],
})
export class AdminQueuesModule {}
