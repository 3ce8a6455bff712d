import type { BoxDto, BoxRole, InvitationDto, MemberDto } from '@genbox/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from '../api/http';

export const useBoxesStore = defineStore('boxes', () => {
  const items = ref<BoxDto[]>([]);
  const byId = ref<Record<string, BoxDto>>({});
  const members = ref<Record<string, MemberDto[]>>({});
  /** Pending invitations by box: only owners load them. */
  const invitations = ref<Record<string, InvitationDto[]>>({});

  function remember(box: BoxDto) {
    byId.value[box.id] = box;
    const i = items.value.findIndex((b) => b.id === box.id);
    if (i >= 0) items.value[i] = box;
  }

  async function loadAll() {
    items.value = (await api.listBoxes()).items;
    for (const b of items.value) byId.value[b.id] = b;
  }

  async function create(name: string) {
    const box = await api.createBox(name);
    items.value.unshift(box);
    byId.value[box.id] = box;
    return box;
  }

  async function load(boxId: string) {
    const box = await api.getBox(boxId);
    remember(box);
    return box;
  }

  async function rename(boxId: string, name: string) {
    remember(await api.updateBox(boxId, { name }));
  }

  async function setPaused(boxId: string, paused: boolean) {
    remember(await api.setBoxPaused(boxId, paused));
  }

  async function remove(boxId: string) {
    await api.deleteBox(boxId);
    items.value = items.value.filter((b) => b.id !== boxId);
    delete byId.value[boxId];
  }

  /** A realtime box.updated carries no role: keep the caller's own. */
  function applyBoxUpdate(box: Omit<BoxDto, 'role'>) {
    const role = byId.value[box.id]?.role ?? 'viewer';
    remember({ ...box, role });
  }

  async function loadMembers(boxId: string) {
    members.value[boxId] = (await api.listMembers(boxId)).items;
  }

  function applyMemberChange(boxId: string, userId: string, member: MemberDto | null, currentUserId?: string | null) {
    const known = members.value[boxId] ?? [];
    const list = known.filter((m) => m.user_id !== userId);
    // events carry no email (only owners see them, from the member list): keep the one already known
    const email = known.find((m) => m.user_id === userId)?.email;
    if (member) list.push(member.email || !email ? member : { ...member, email });
    members.value[boxId] = list;
    const box = byId.value[boxId];
    if (member && box && userId === currentUserId) remember({ ...box, role: member.role });
  }

  /**
   * The signed-in user was added to a box, had their role changed, or was removed (member null):
   * the box list follows without a reload. A new box is fetched for its name; a removal that
   * arrives meanwhile wins.
   */
  async function applyOwnMembership(boxId: string, member: MemberDto | null) {
    const known = byId.value[boxId];
    if (!member) {
      items.value = items.value.filter((b) => b.id !== boxId);
      delete byId.value[boxId];
      return;
    }
    if (known) return remember({ ...known, role: member.role });
    const box = await api.getBox(boxId).catch(() => null);
    if (!box || items.value.some((b) => b.id === boxId)) return;
    items.value.unshift(box);
    byId.value[box.id] = box;
  }

  async function loadInvitations(boxId: string) {
    invitations.value[boxId] = (await api.listInvitations(boxId)).items;
  }

  /** An email with an account joins at once; any other waits as an invitation until it signs up. Says which. */
  async function invite(boxId: string, email: string, role: BoxRole): Promise<'member' | 'invited'> {
    const added = await api.addMember(boxId, { email, role });
    if ('user_id' in added) {
      applyMemberChange(boxId, added.user_id, added);
      return 'member';
    }
    invitations.value[boxId] = [...(invitations.value[boxId] ?? []).filter((i) => i.id !== added.id), added];
    return 'invited';
  }

  async function cancelInvitation(boxId: string, invitationId: string) {
    await api.cancelInvitation(boxId, invitationId);
    invitations.value[boxId] = (invitations.value[boxId] ?? []).filter((i) => i.id !== invitationId);
  }

  async function changeRole(boxId: string, userId: string, role: BoxRole, currentUserId?: string | null) {
    applyMemberChange(boxId, userId, await api.updateMember(boxId, userId, role), currentUserId);
  }

  async function removeMember(boxId: string, userId: string) {
    await api.removeMember(boxId, userId);
    applyMemberChange(boxId, userId, null);
  }

  return { items, byId, members, invitations, loadAll, create, load, rename, setPaused, remove, applyBoxUpdate, loadMembers, loadInvitations, applyMemberChange, applyOwnMembership, invite, cancelInvitation, changeRole, removeMember };
});
