import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { AddMemberRequest, CreateBoxRequest, UpdateBoxRequest, UpdateMemberRequest } from '@genbox/contracts';
import { z } from 'zod';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser } from '../auth/auth.guard.js';
import { parseInput } from '../common/validate.js';
import { BoxesService } from './boxes.service.js';
import { InvitationsService } from './invitations.service.js';

const UserId = z.string().uuid('must be a user id');

@Controller('boxes')
export class BoxesController {
  constructor(
    private readonly boxes: BoxesService,
    private readonly invitations: InvitationsService,
  ) {}

  @Get()
  async list(@CurrentUser() u: UserRow) {
    return { items: await this.boxes.list(u.id) };
  }

  @Post()
  create(@CurrentUser() u: UserRow, @Body() body: unknown) {
    return this.boxes.create(u.id, parseInput(CreateBoxRequest, body).name);
  }

  @Get(':id')
  get(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.boxes.get(u.id, id);
  }

  @Patch(':id')
  update(@CurrentUser() u: UserRow, @Param('id') id: string, @Body() body: unknown) {
    return this.boxes.rename(u.id, id, parseInput(UpdateBoxRequest, body).name);
  }

  /** The box goes with its assets and their stored files. */
  @Delete(':id') @HttpCode(204)
  remove(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.boxes.delete(u.id, id);
  }

  @Get(':id/members')
  async members(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return { items: await this.boxes.members(u.id, id) };
  }

  @Post(':id/members')
  addMember(@CurrentUser() u: UserRow, @Param('id') id: string, @Body() body: unknown) {
    const { email, role } = parseInput(AddMemberRequest, body);
    return this.boxes.invite(u.id, id, email, role);
  }

  @Patch(':id/members/:userId')
  updateMember(@CurrentUser() u: UserRow, @Param('id') id: string, @Param('userId') userId: string, @Body() body: unknown) {
    return this.boxes.changeRole(u.id, id, parseInput(UserId, userId), parseInput(UpdateMemberRequest, body).role);
  }

  @Delete(':id/members/:userId') @HttpCode(204)
  removeMember(@CurrentUser() u: UserRow, @Param('id') id: string, @Param('userId') userId: string) {
    return this.boxes.removeMember(u.id, id, parseInput(UserId, userId));
  }

  @Get(':id/invitations')
  async invitationList(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return { items: await this.invitations.list(u.id, id) };
  }

  @Delete(':id/invitations/:invitationId') @HttpCode(204)
  cancelInvitation(@CurrentUser() u: UserRow, @Param('id') id: string, @Param('invitationId') invitationId: string) {
    return this.invitations.cancel(u.id, id, invitationId);
  }
}
