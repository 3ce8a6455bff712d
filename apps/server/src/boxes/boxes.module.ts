import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { BoxAccessService } from './box-access.service.js';
import { BoxEventsController } from './box-events.controller.js';
import { BoxEventsService } from './box-events.service.js';
import { BoxGateway } from './box.gateway.js';
import { BoxesController } from './boxes.controller.js';
import { BoxesRepository } from './boxes.repository.js';
import { BoxesService } from './boxes.service.js';
import { InvitationsRepository } from './invitations.repository.js';
import { InvitationsService } from './invitations.service.js';

/** Boxes, their members and who may do what in them. */
@Module({
  imports: [AuthModule, RealtimeModule],
  providers: [BoxesRepository, BoxAccessService, BoxesService, InvitationsRepository, InvitationsService],
  exports: [BoxesRepository, BoxAccessService, BoxesService, InvitationsService],
})
export class BoxesModule {}

/** Box routes and a box's live channels: the socket gateway (box:join) and the SSE stream (ROLE=api|all). */
@Module({
  imports: [BoxesModule, AuthModule],
  controllers: [BoxesController, BoxEventsController],
  providers: [BoxGateway, BoxEventsService],
})
export class BoxesApiModule {}
