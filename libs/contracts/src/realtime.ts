import type { AssetDto } from './asset.js';
import type { BoxDto, MemberDto } from './box.js';
import type { CreditsChangedEvent } from './credits.js';
import type { ErrorBody } from './errors.js';
import type { StoryboardEvent } from './storyboard.js';

/** Who is looking at a box: a name, never an email; `viewing` lists the assets they have open in a detail view (any tab). */
export interface PresenceUser { user_id: string; display_name: string; viewing: string[] }

export interface AssetEvent { box_id: string; seq: number; asset: AssetDto }
export interface AssetDeletedEvent { box_id: string; seq: number; asset_id: string }
export interface BoxUpdatedEvent { box_id: string; seq: number; box: Omit<BoxDto, 'role'> }
export interface MemberChangedEvent { box_id: string; seq: number; user_id: string; member: MemberDto | null }
export interface PresenceChangedEvent { box_id: string; presence: PresenceUser[] }
/** The box is gone: sent to its room and to each member's own room; no seq, nothing of the box is left to order. */
export interface BoxDeletedEvent { box_id: string }

export interface ServerToClientEvents {
  'asset.created': (e: AssetEvent) => void;
  'asset.updated': (e: AssetEvent) => void;
  'asset.deleted': (e: AssetDeletedEvent) => void;
  'box.updated': (e: BoxUpdatedEvent) => void;
  'member.changed': (e: MemberChangedEvent) => void;
  'presence.changed': (e: PresenceChangedEvent) => void;
  'box.deleted': (e: BoxDeletedEvent) => void;
  /**
   * A storyboard changed, in the same seq as asset events: created (PLANNING), its plan drafted
   * (drafted_at, the scenes), planned (PLANNED, after the continuity pass) or its planner failed
   * (FAILED), edited, a step started or finished. A client that got PLANNING from the POST waits here.
   */
  'storyboard.updated': (e: StoryboardEvent) => void;
  /** To the user's own sockets only: their credits changed (a hold, a release, a grant). */
  'credits.changed': (e: CreditsChangedEvent) => void;
  /** This API node is shutting down: the connection drops next and socket.io-client reconnects (to another node). No seq. */
  'server.restarting': (e: { reconnect_in_ms: number }) => void;
}

/** Events that carry a seq: the ones a client must apply in order. */
export type SequencedEventName = Exclude<keyof ServerToClientEvents, 'presence.changed' | 'box.deleted' | 'credits.changed' | 'server.restarting'>;

export type JoinAck =
  | { ok: true; seq: number; presence: PresenceUser[] }
  | { ok: false; error: ErrorBody };

export interface ClientToServerEvents {
  'box:join': (p: { box_id: string }, ack: (r: JoinAck) => void) => void;
  'box:leave': (p: { box_id: string }, ack?: (r: { ok: boolean }) => void) => void;
  /** The asset this socket has open in the box's detail view, or null when it closed it: shown to the others in presence. */
  'asset:view': (p: { box_id: string; asset_id: string | null }) => void;
}

export const boxRoom = (boxId: string) => `box:${boxId}`;

/**
 * Server-Sent Events (`GET /api/boxes/:id/events`) carry the sequenced events above, named the
 * same, with `id: <seq>`, plus these two, which carry `{box_id, seq}`:
 * `box.joined` opens a fresh stream (no Last-Event-ID) at the box's current seq;
 * `box.resync` says events up to `seq` cannot be replayed: refetch the box, then carry on.
 */
export interface BoxSyncEvent { box_id: string; seq: number }
export type BoxStreamControlEvent = 'box.joined' | 'box.resync';
