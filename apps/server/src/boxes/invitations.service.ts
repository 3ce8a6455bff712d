import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { BoxRole, InvitationDto } from '@genbox/contracts';
import { SignIns } from '../auth/sign-ins.js';
import type { UserRow } from '../auth/users.repository.js';
import { AppError } from '../common/app-error.js';
import { isUuid } from '../common/is-uuid.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { BoxAccessService } from './box-access.service.js';
import { BoxesRepository } from './boxes.repository.js';
import { InvitationsRepository } from './invitations.repository.js';

/**
 * Invitations of emails with no account. Inviting such an email is not an error (it was a 404 that
 * told anyone with a box which emails are registered): the invitation waits, owners see it listed,
 * and it becomes a membership at that email's next sign-in (register or login).
 */
@Injectable()
export class InvitationsService implements OnModuleInit {
  constructor(
    private readonly invitations: InvitationsRepository,
    private readonly boxes: BoxesRepository,
    private readonly access: BoxAccessService,
    private readonly realtime: RealtimePublisher,
    private readonly signIns: SignIns,
  ) {}

  onModuleInit() {
    this.signIns.onSignIn((user) => this.claim(user));
  }

  /** Called by BoxesService.invite once it knows the email has no account (the caller is an owner). */
  invite(userId: string, boxId: string, email: string, role: BoxRole): Promise<InvitationDto> {
    return this.invitations.upsert(boxId, email, role, userId);
  }

  async list(userId: string, boxId: string): Promise<InvitationDto[]> {
    await this.access.require(boxId, userId, 'owner');
    return this.invitations.list(boxId);
  }

  async cancel(userId: string, boxId: string, invitationId: string): Promise<void> {
    await this.access.require(boxId, userId, 'owner');
    if (!isUuid(invitationId) || !(await this.invitations.delete(boxId, invitationId))) throw new AppError('not_found', 'No such invitation in this box');
  }

  /** The user's email had invitations waiting: each becomes a membership (an existing one is kept as it is). */
  private async claim(user: UserRow): Promise<void> {
    for (const inv of await this.invitations.forEmail(user.email)) {
      if (!(await this.invitations.take(inv.id))) continue;
      const added = await this.boxes.upsertMember(inv.boxId, user.id, inv.role, false);
      if (added && added !== 'last_owner') this.realtime.memberChanged(inv.boxId, user.id, added.member, added.seq);
    }
  }
}
