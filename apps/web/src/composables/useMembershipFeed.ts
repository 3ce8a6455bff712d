import type { BoxDeletedEvent, MemberChangedEvent } from '@genbox/contracts';
import { onScopeDispose } from 'vue';
import { getSocket } from '../api/socket';
import { useBoxesStore } from '../stores/boxes';
import { useSessionStore } from '../stores/session';

/**
 * Keeps the signed-in user's box list live: the server tells each user of their own membership
 * changes (room `user:<id>`), so an invite shows the box and a removal drops it without a reload.
 * Events of one box come in seq order; an older one than already seen is ignored. After a
 * reconnect the list is refetched, since changes may have been missed.
 */
export function useMembershipFeed() {
  const session = useSessionStore();
  const boxes = useBoxesStore();
  const socket = getSocket(session.token ?? '');
  /** The newest event seen per box. */
  const latest = new Map<string, MemberChangedEvent>();
  let connectedOnce = socket.connected;

  const onMember = (e: MemberChangedEvent) => {
    if (e.user_id !== session.user?.id || e.seq <= (latest.get(e.box_id)?.seq ?? 0)) return;
    latest.set(e.box_id, e);
    void boxes.applyOwnMembership(e.box_id, e.member).then(() => {
      // a newer change (say, a removal) came while the invited box was being fetched: it wins
      const now = latest.get(e.box_id)!;
      if (now !== e) void boxes.applyOwnMembership(e.box_id, now.member);
    });
  };
  // a deleted box leaves everyone's list, whatever their role in it was
  const onBoxDeleted = (e: BoxDeletedEvent) => {
    latest.set(e.box_id, { box_id: e.box_id, seq: Number.MAX_SAFE_INTEGER, user_id: session.user?.id ?? '', member: null });
    void boxes.applyOwnMembership(e.box_id, null);
  };
  const onConnect = () => {
    if (connectedOnce) void boxes.loadAll().catch(() => undefined);
    connectedOnce = true;
  };

  socket.on('member.changed', onMember);
  socket.on('box.deleted', onBoxDeleted);
  socket.on('connect', onConnect);
  onScopeDispose(() => {
    socket.off('member.changed', onMember);
    socket.off('box.deleted', onBoxDeleted);
    socket.off('connect', onConnect);
  });
}
