import { Emitter } from '@socket.io/redis-emitter';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type AssetDto, type BoxDto, type CreditsChangedEvent, type MemberDto, type SequencedEventName, type ServerToClientEvents, type StoryboardDto, boxRoom } from '@genbox/contracts';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/env.js';
import { CONFIG, REDIS } from '../common/tokens.js';
import { OrderedBoxLog } from './box-event-log.js';

export const userRoom = (userId: string) => `user:${userId}`;

/** The Redis channel prefix shared by the emitter and the socket.io adapter. */
export const socketChannelKey = (redisPrefix: string) => `${redisPrefix}:socket.io`;

type Payload<K extends SequencedEventName> = Parameters<ServerToClientEvents[K]>[0];

/** A box event as it leaves, for features that react to it (outgoing webhooks, credits). */
export type SequencedEvent = { [K in SequencedEventName]: { name: K; payload: Payload<K> } }[SequencedEventName];

/**
 * The one place domain changes become socket messages. Every process (API or worker) publishes
 * through Redis; the socket.io Redis adapter on each API node delivers to its own clients.
 * A box's events leave in seq order and are kept in its event log (for SSE resumes): see
 * OrderedBoxLog. The emitter only encodes here; the ordered script does the PUBLISH.
 */
@Injectable()
export class RealtimePublisher implements OnModuleDestroy {
  /** Sends straight away: control requests (socketsLeave) that must not wait behind the order. */
  private readonly emitter: Emitter<ServerToClientEvents>;
  /** Encodes adapter messages into `encoded` instead of publishing them. */
  private readonly encoder: Emitter<ServerToClientEvents>;
  private encoded: { channel: string; message: Buffer } | null = null;
  private readonly log: OrderedBoxLog;
  private readonly logger = new Logger('Realtime');
  private readonly taps: ((e: SequencedEvent) => void)[] = [];

  constructor(@Inject(REDIS) redis: Redis, @Inject(CONFIG) config: AppConfig) {
    const key = socketChannelKey(config.redisPrefix);
    this.emitter = new Emitter<ServerToClientEvents>(redis, { key });
    const capture = { publish: (channel: string, message: Buffer) => { this.encoded = { channel, message }; } };
    this.encoder = new Emitter<ServerToClientEvents>(capture as never, { key });
    this.log = new OrderedBoxLog(redis, config.redisPrefix, (msg) => this.logger.warn(msg));
  }

  assetCreated(asset: AssetDto, seq: number) {
    this.send([boxRoom(asset.box_id)], 'asset.created', { box_id: asset.box_id, seq, asset });
  }

  assetUpdated(asset: AssetDto, seq: number) {
    this.send([boxRoom(asset.box_id)], 'asset.updated', { box_id: asset.box_id, seq, asset });
  }

  assetDeleted(boxId: string, assetId: string, seq: number) {
    this.send([boxRoom(boxId)], 'asset.deleted', { box_id: boxId, seq, asset_id: assetId });
  }

  storyboardUpdated(storyboard: StoryboardDto, seq: number) {
    this.send([boxRoom(storyboard.box_id)], 'storyboard.updated', { box_id: storyboard.box_id, seq, storyboard });
  }

  boxUpdated(box: Omit<BoxDto, 'role'>, seq: number) {
    this.send([boxRoom(box.id)], 'box.updated', { box_id: box.id, seq, box });
  }

  /**
   * Tells the box and the user themself; a removed user's sockets leave the room at once. Every
   * member hears it, so it carries no email address (owners read those from the member list).
   */
  memberChanged(boxId: string, userId: string, member: MemberDto | null, seq: number) {
    if (!member) this.emitter.in(userRoom(userId)).socketsLeave(boxRoom(boxId));
    const { email: _email, ...forEveryone } = member ?? {};
    this.send([boxRoom(boxId), userRoom(userId)], 'member.changed', { box_id: boxId, seq, user_id: userId, member: member ? (forEveryone as MemberDto) : null });
  }

  /** The box is gone: its room and every member hear it (no seq: nothing of the box is left to order), and its sockets leave. */
  boxDeleted(boxId: string, memberIds: string[]) {
    let op = this.emitter.to(boxRoom(boxId));
    for (const id of memberIds) op = op.to(userRoom(id));
    op.emit('box.deleted', { box_id: boxId });
    this.emitter.in(boxRoom(boxId)).socketsLeave(boxRoom(boxId));
  }

  /** To the user's own sockets: their credits changed. */
  creditsChanged(e: CreditsChangedEvent) {
    this.emitter.to(userRoom(e.user_id)).emit('credits.changed', e);
  }

  /**
   * Calls `listener` with every box event this process publishes, after its change committed and
   * in the order it leaves; a listener must not block (it queues its own work).
   */
  tap(listener: (e: SequencedEvent) => void) {
    this.taps.push(listener);
  }

  onModuleDestroy() {
    this.log.close();
  }

  private send<K extends SequencedEventName>(rooms: string[], name: K, payload: Payload<K>) {
    let op = this.encoder.to(rooms[0]!);
    for (const room of rooms.slice(1)) op = op.to(room);
    (op.emit as (ev: string, p: unknown) => boolean)(name, payload);
    const { channel, message } = this.encoded!;
    this.encoded = null;
    this.log.publish(payload.box_id, { seq: payload.seq, name, data: JSON.stringify(payload), socketChannel: channel, socketMessage: message });
    for (const tap of this.taps) {
      try {
        tap({ name, payload } as SequencedEvent);
      } catch (err) {
        this.logger.error(`a listener of ${name} failed: ${(err as Error).stack ?? err}`);
      }
    }
  }
}
