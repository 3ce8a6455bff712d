import type { AssetDto, BoxDto, JoinAck, MemberDto, PresenceChangedEvent, PresenceUser, SequencedEventName, ServerToClientEvents, StoryboardDto } from '@genbox/contracts';
import { ref } from 'vue';
import { ApiError, errorMessage } from '../api/http.js';

export type SequencedEvent = {
  [K in SequencedEventName]: { name: K; payload: Parameters<ServerToClientEvents[K]>[0] };
}[SequencedEventName];

export interface RoomDeps {
  boxId: string;
  currentUserId: () => string | null;
  /** Emits box:join and resolves with the ack. */
  join: () => Promise<JoinAck>;
  /** The box's current seq over REST: used after a gap, while still joined. */
  fetchSeq: () => Promise<number>;
  /** Refetches the box's assets (and whatever else the board shows), replacing local state. */
  reload: () => Promise<void>;
  /** `created`: the asset is new to the box (asset.created), not a change of one. */
  onAsset: (asset: AssetDto, created: boolean) => void;
  onAssetDeleted: (assetId: string) => void;
  onBox: (box: Omit<BoxDto, 'role'>) => void;
  onMember: (userId: string, member: MemberDto | null) => void;
  onStoryboard?: (storyboard: StoryboardDto) => void;
}

/**
 * The ordering rules of a board, free of sockets and components:
 * apply an event only when seq === last + 1, drop seq <= last, and on a gap (or a fresh
 * connection) take a new seq first, then refetch, then replay what arrived meanwhile.
 */
export function createRoomCore(deps: RoomDeps) {
  const seq = ref<number | null>(null);
  const presence = ref<PresenceUser[]>([]);
  const syncing = ref(false);
  const accessRemoved = ref(false);
  /** Why the board is not live (join refused, network), or null. */
  const error = ref<string | null>(null);
  let buffered: SequencedEvent[] = [];
  let syncRun = 0;

  function apply(e: SequencedEvent) {
    switch (e.name) {
      case 'asset.created':
      case 'asset.updated':
        return deps.onAsset(e.payload.asset, e.name === 'asset.created');
      case 'asset.deleted':
        return deps.onAssetDeleted(e.payload.asset_id);
      case 'box.updated':
        return deps.onBox(e.payload.box);
      case 'storyboard.updated':
        return deps.onStoryboard?.(e.payload.storyboard);
      case 'member.changed':
        deps.onMember(e.payload.user_id, e.payload.member);
        if (e.payload.member === null && e.payload.user_id === deps.currentUserId()) accessRemoved.value = true;
    }
  }

  function receive(e: SequencedEvent) {
    if (e.payload.box_id !== deps.boxId || accessRemoved.value) return;
    if (syncing.value || seq.value === null) {
      buffered.push(e);
      return;
    }
    if (e.payload.seq <= seq.value) return;
    if (e.payload.seq > seq.value + 1) {
      buffered.push(e);
      void sync(deps.fetchSeq);
      return;
    }
    apply(e);
    seq.value = e.payload.seq;
  }

  function receivePresence(e: PresenceChangedEvent) {
    if (e.box_id === deps.boxId) presence.value = e.presence;
  }

  async function sync(takeSeq: () => Promise<number>) {
    const run = ++syncRun;
    syncing.value = true;
    try {
      // The seq is read before the refetch, so the refetched state is at least that new.
      const next = await takeSeq();
      await deps.reload();
      if (run !== syncRun) return;
      seq.value = next;
      error.value = null;
      syncing.value = false;
      const pending = buffered.sort((a, b) => a.payload.seq - b.payload.seq);
      buffered = [];
      for (const e of pending) receive(e);
    } catch (err) {
      if (run !== syncRun) return;
      syncing.value = false;
      if (err instanceof ApiError && (err.status === 403 || err.status === 404) && seq.value !== null) accessRemoved.value = true;
      else error.value = errorMessage(err);
    }
  }

  /** Call on every (re)connect: join, then refetch, since events may have been missed. */
  function connected() {
    return sync(async () => {
      const ack = await deps.join();
      if (!ack.ok) throw new ApiError(ack.error);
      presence.value = ack.presence;
      return ack.seq;
    });
  }

  return { seq, presence, syncing, accessRemoved, error, receive, receivePresence, connected, resync: () => sync(deps.fetchSeq) };
}

export type RoomCore = ReturnType<typeof createRoomCore>;
