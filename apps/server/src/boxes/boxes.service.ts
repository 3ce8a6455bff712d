import { Inject, Injectable } from '@nestjs/common';
import type { AddMemberResponse, BoxDto, BoxRole, MemberDto } from '@genbox/contracts';
import { UsersRepository } from '../auth/users.repository.js';
import { currentAccess } from '../common/access-context.js';
import { AppError } from '../common/app-error.js';
import { STORAGE } from '../common/tokens.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import type { StorageDriver } from '../storage/storage.port.js';
import { BoxAccessService } from './box-access.service.js';
import { BoxesRepository, toBoxDto } from './boxes.repository.js';
import { InvitationsService } from './invitations.service.js';
import { memberFor } from './member-view.js';

@Injectable()
export class BoxesService {
  constructor(
    private readonly boxes: BoxesRepository,
    private readonly access: BoxAccessService,
    private readonly users: UsersRepository,
    private readonly realtime: RealtimePublisher,
    private readonly invitations: InvitationsService,
    @Inject(STORAGE) private readonly storage: StorageDriver,
  ) {}

  /** The user's boxes; with a token limited to some boxes, only those. */
  async list(userId: string): Promise<BoxDto[]> {
    const limit = currentAccess()?.boxIds;
    return (await this.boxes.listForUser(userId)).filter(({ box }) => !limit || limit.includes(box.id)).map(({ box, role }) => toBoxDto(box, role));
  }

  async create(userId: string, name: string): Promise<BoxDto> {
    if (currentAccess()?.boxIds) throw new AppError('missing_scope', 'This token is limited to some boxes (box_ids), so it cannot create boxes');
    return toBoxDto(await this.boxes.create(name, userId), 'owner');
  }

  async get(userId: string, boxId: string): Promise<BoxDto> {
    const role = await this.access.require(boxId, userId, 'viewer');
    return toBoxDto((await this.boxes.find(boxId))!, role);
  }

  async rename(userId: string, boxId: string, name: string): Promise<BoxDto> {
    await this.access.require(boxId, userId, 'owner');
    const { box, seq } = await this.boxes.rename(boxId, name);
    const { role: _role, ...wire } = toBoxDto(box, 'owner');
    this.realtime.boxUpdated(wire, seq);
    return toBoxDto(box, 'owner');
  }

  /** Removes a box with its assets and their stored files (owners only). */
  async delete(userId: string, boxId: string): Promise<void> {
    await this.access.require(boxId, userId, 'owner');
    const members = await this.boxes.members(boxId);
    const keys = await this.boxes.delete(boxId);
    this.realtime.boxDeleted(boxId, members.map((m) => m.user_id));
    await Promise.all(keys.map((k) => this.storage.delete(k).catch(() => undefined)));
  }

  /** Everyone in the box sees names and roles; only owners see email addresses. */
  async members(userId: string, boxId: string): Promise<MemberDto[]> {
    const role = await this.access.require(boxId, userId, 'viewer');
    return (await this.boxes.members(boxId)).map((m) => memberFor(role, m));
  }

  /** An email with an account becomes a member now; any other gets a pending invitation (never a 404 that would tell who is registered). */
  async invite(userId: string, boxId: string, email: string, role: BoxRole): Promise<AddMemberResponse> {
    await this.access.require(boxId, userId, 'owner');
    const invitee = await this.users.findByEmail(email);
    if (!invitee) return this.invitations.invite(userId, boxId, email, role);
    if (await this.boxes.roleOf(boxId, invitee.id)) throw new AppError('conflict', `${email} is already a member of this box`);
    const changed = await this.boxes.upsertMember(boxId, invitee.id, role, false);
    if (!changed || changed === 'last_owner') throw new AppError('conflict', `${email} is already a member of this box`);
    this.realtime.memberChanged(boxId, invitee.id, changed.member, changed.seq);
    return changed.member;
  }

  async changeRole(userId: string, boxId: string, memberId: string, role: BoxRole): Promise<MemberDto> {
    await this.access.require(boxId, userId, 'owner');
    const current = await this.boxes.roleOf(boxId, memberId);
    if (!current) throw new AppError('not_found', 'That user is not a member of this box');
    const changed = await this.boxes.upsertMember(boxId, memberId, role, true);
    if (changed === 'last_owner') throw lastOwner();
    if (changed) this.realtime.memberChanged(boxId, memberId, changed.member, changed.seq);
    return changed?.member ?? (await this.boxes.members(boxId)).find((m) => m.user_id === memberId)!;
  }

  async removeMember(userId: string, boxId: string, memberId: string): Promise<void> {
    // anyone may leave a box; removing someone else takes an owner
    await this.access.require(boxId, userId, memberId === userId ? 'viewer' : 'owner');
    const current = await this.boxes.roleOf(boxId, memberId);
    if (!current) throw new AppError('not_found', 'That user is not a member of this box');
    const seq = await this.boxes.removeMember(boxId, memberId);
    if (seq === 'last_owner') throw lastOwner();
    if (seq !== null) this.realtime.memberChanged(boxId, memberId, null, seq);
  }
}

const lastOwner = () => new AppError('conflict', 'A box needs at least one owner: make someone else owner first');
