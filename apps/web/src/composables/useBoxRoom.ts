import type { BoxDeletedEvent, JoinAck, PresenceUser, SequencedEventName } from '@genbox/contracts';
import { computed, onScopeDispose, ref, watch } from 'vue';
import { getSocket } from '../api/socket';
import { useAssetsStore } from '../stores/assets';
import { useBoxesStore } from '../stores/boxes';
import { useSessionStore } from '../stores/session';
import { useStoryboardsStore } from '../stores/storyboards';
import { createRoomCore, type SequencedEvent } from './roomCore';

const JOIN_TIMEOUT_MS = 10_000;
const SEQUENCED: SequencedEventName[] = ['asset.created', 'asset.updated', 'asset.deleted', 'box.updated', 'member.changed', 'storyboard.updated'];

/**
 * Keeps one board live: joins its room, applies events in seq order and leaves on unmount.
 * `reloadToo` refetches whatever else a view shows from the box (its storyboards) on a gap or reconnect.
 */
export function useBoxRoom(boxId: string, opts: { reloadToo?: () => Promise<void> } = {}) {
  const session = useSessionStore();
  const assets = useAssetsStore();
  const boxes = useBoxesStore();
  const storyboards = useStoryboardsStore();
  const socket = getSocket(session.token ?? '');

  const core = createRoomCore({
    boxId,
    currentUserId: () => session.user?.id ?? null,
    join: () =>
      new Promise<JoinAck>((resolve, reject) => {
        socket.timeout(JOIN_TIMEOUT_MS).emit('box:join', { box_id: boxId }, (err, ack) => (err ? reject(new Error('The board did not answer. Retrying…')) : resolve(ack)));
      }),
    fetchSeq: async () => (await boxes.load(boxId)).seq,
    reload: async () => {
      await Promise.all([assets.load(boxId), boxes.loadMembers(boxId), boxes.load(boxId), opts.reloadToo?.()]);
    },
    onAsset: (asset, created) => assets.put(asset, created),
    onAssetDeleted: (assetId) => assets.remove(boxId, assetId),
    onBox: (box) => boxes.applyBoxUpdate(box),
    onMember: (userId, member) => boxes.applyMemberChange(boxId, userId, member, session.user?.id),
    onStoryboard: (storyboard) => storyboards.applyEvent(storyboard, session.isAdmin),
  });

  // One listener per event name, kept so that exactly these are removed on unmount.
  const listeners = SEQUENCED.map((name) => [name, (payload: SequencedEvent['payload']) => core.receive({ name, payload } as SequencedEvent)] as const);
  const offline = ref(!socket.connected);
  /** The owner deleted the box while it was open. */
  const deleted = ref(false);
  const onBoxDeleted = (e: BoxDeletedEvent) => {
    if (e.box_id !== boxId) return;
    deleted.value = true;
    core.accessRemoved.value = true;
  };
  /** The asset open in this tab's detail view: told to the box, and told again after a reconnect (the server forgets it). */
  let viewing: string | null = null;
  const sendViewing = () => { if (socket.connected && core.seq.value !== null) socket.emit('asset:view', { box_id: boxId, asset_id: viewing }); };
  function viewAsset(assetId: string | null) {
    if (assetId === viewing) return;
    viewing = assetId;
    sendViewing();
  }
  const onConnect = () => {
    offline.value = false;
    void core.connected().then(() => { if (viewing) sendViewing(); });
  };
  const onDisconnect = () => { offline.value = true; };
  const onConnectError = (err: Error) => { core.error.value = `Live updates are off: ${err.message}`; };

  for (const [name, fn] of listeners) socket.on(name, fn);
  socket.on('presence.changed', core.receivePresence);
  socket.on('box.deleted', onBoxDeleted);
  socket.on('connect', onConnect);
  socket.on('connect_error', onConnectError);
  socket.on('disconnect', onDisconnect);
  if (socket.connected) onConnect();

  // Removed from the box: stop being counted as looking at it, and drop what it showed.
  watch(core.accessRemoved, (removed) => {
    if (!removed) return;
    if (socket.connected) socket.emit('box:leave', { box_id: boxId });
    assets.replace(boxId, []);
  });

  onScopeDispose(() => {
    for (const [name, fn] of listeners) socket.off(name, fn);
    socket.off('presence.changed', core.receivePresence);
    socket.off('box.deleted', onBoxDeleted);
    socket.off('connect', onConnect);
    socket.off('connect_error', onConnectError);
    socket.off('disconnect', onDisconnect);
    if (socket.connected && !core.accessRemoved.value) socket.emit('box:leave', { box_id: boxId });
  });

  /** One avatar per person, however many tabs they have open. */
  const people = computed(() => [...new Map(core.presence.value.map((p) => [p.user_id, p])).values()]);
  /** asset id → the other people who have it open now (never this user: you know what you are looking at). */
  const lookers = computed(() => {
    const me = session.user?.id;
    const out: Record<string, PresenceUser[]> = {};
    for (const p of people.value) if (p.user_id !== me) for (const id of p.viewing ?? []) (out[id] ??= []).push(p);
    return out;
  });

  return { ...core, people, lookers, viewAsset, offline, deleted, live: computed(() => !offline.value && core.seq.value !== null && !core.syncing.value && !core.error.value && !core.accessRemoved.value) };
}
