import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { BoxStreamControlEvent, BoxSyncEvent, MemberChangedEvent } from '@genbox/contracts';
import type { Redis } from 'ioredis';
import { TokenRevocations } from '../auth/token-revocations.js';
import { BoxAccessService } from '../boxes/box-access.service.js';
import { currentAccess } from '../common/access-context.js';
import { BoxesRepository } from '../boxes/boxes.repository.js';
import { isUuid } from '../common/is-uuid.js';
import type { AppConfig } from '../config/env.js';
import { CONFIG, REDIS } from '../common/tokens.js';
import { EVENT_LOG_LENGTH, ORDER_HOLD_MS, boxEventKeys } from '../realtime/box-event-log.js';

/** Comment line interval that keeps proxies from closing an idle stream; membership is re-checked as often, in ms. */
export const HEARTBEAT_MS = 15_000;

/** Where one stream's messages go (an HTTP response, in the controller). */
export interface EventSink {
  event(name: string, id: number, data: string): void;
  comment(text: string): void;
  end(): void;
  onClose(fn: () => void): void;
}

interface LogEvent { seq: number; name: string; data: string }

/**
 * Server-Sent Events for one box: the same payloads as the socket events, from the box's event
 * log in Redis (written, in seq order, by the publisher). A resume (Last-Event-ID = seq) replays
 * the log; what it no longer holds, or an event that never came, becomes `box.resync`. A resume
 * never reaches back before the caller's membership began (joined_seq): that, too, is a resync.
 */
@Injectable()
export class BoxEventsService implements OnModuleDestroy {
  private readonly logger = new Logger('BoxEvents');
  /** One subscriber connection per process, shared by every stream on it. */
  private sub: Redis | null = null;
  private readonly listeners = new Map<string, { fns: Set<(e: LogEvent) => void>; ready: Promise<unknown> }>();
  /** Open streams by the token that opened them. */
  private readonly byToken = new Map<string, Set<() => void>>();
  private revocationsReady: Promise<void> | null = null;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly access: BoxAccessService,
    private readonly boxes: BoxesRepository,
    private readonly revocations: TokenRevocations,
  ) {}

  /** Checks membership (throws before anything is written), then streams until the client leaves or loses access. */
  async stream(userId: string, boxId: string, lastEventId: string | undefined, sink: EventSink): Promise<void> {
    const membership = isUuid(boxId) ? await this.boxes.membership(boxId, userId) : null;
    this.access.check(membership?.role ?? null, 'viewer', boxId);
    const joinedSeq = membership!.joinedSeq;
    const tokenId = currentAccess()?.tokenId ?? null;
    const keys = boxEventKeys(this.config.redisPrefix, boxId);
    let lastSent = 0;
    let closed = false;
    let backlog: LogEvent[] | null = [];
    const timers: NodeJS.Timeout[] = [];

    const control = (name: BoxStreamControlEvent, seq: number) => {
      sink.event(name, seq, JSON.stringify({ box_id: boxId, seq } satisfies BoxSyncEvent));
      lastSent = seq;
    };
    const stop = () => {
      if (closed) return;
      closed = true;
      timers.forEach(clearInterval);
      this.unlisten(keys.live, onLive);
      const stops = tokenId ? this.byToken.get(tokenId) : undefined;
      if (stops?.delete(stop) && stops.size === 0) this.byToken.delete(tokenId!);
      sink.end();
    };
    const deliver = (e: LogEvent) => {
      if (closed || e.seq <= lastSent) return;
      // a hole: the event before this one is gone (trimmed, or never published)
      if (e.seq > lastSent + 1) return control('box.resync', e.seq);
      sink.event(e.name, e.seq, e.data);
      lastSent = e.seq;
      if (e.name === 'member.changed') {
        const m = JSON.parse(e.data) as MemberChangedEvent;
        if (m.user_id === userId && m.member === null) stop();
      }
    };
    const onLive = (e: LogEvent) => (backlog ? backlog.push(e) : deliver(e));

    sink.onClose(stop);
    if (tokenId) await this.endWhenRevoked(tokenId, stop);
    // listen before reading the seq: anything committed after the read arrives live
    await this.listen(keys.live, onLive);
    if (closed) return;
    const current = Number((await this.boxes.find(boxId))?.event_seq ?? 0);
    const resume = lastEventId !== undefined && /^\d+$/.test(lastEventId) ? Number(lastEventId) : null;
    if (resume === null) control('box.joined', current);
    // from the future, or from before this member joined (what happened then is not theirs to replay)
    else if (resume > current || resume < joinedSeq) control('box.resync', current);
    else {
      lastSent = resume;
      for (const e of await this.replay(keys.stream, resume)) deliver(e);
    }
    const pending = backlog.sort((a, b) => a.seq - b.seq);
    backlog = null;
    pending.forEach(deliver);
    if (closed) return;

    // events up to `current` not in the log by now were lost (the publisher waits at most ORDER_HOLD_MS)
    timers.push(setTimeout(() => { if (!closed && lastSent < current) control('box.resync', current); }, ORDER_HOLD_MS * 2));
    timers.push(setInterval(() => void this.heartbeat(boxId, userId, sink, stop), HEARTBEAT_MS));
  }

  onModuleDestroy() {
    this.sub?.disconnect();
  }

  /** The stream ends the moment its token is revoked, on whichever node it is. */
  private async endWhenRevoked(tokenId: string, stop: () => void) {
    let stops = this.byToken.get(tokenId);
    if (!stops) this.byToken.set(tokenId, (stops = new Set()));
    stops.add(stop);
    await (this.revocationsReady ??= this.revocations.listen((ids) => ids.forEach((id) => this.byToken.get(id)?.forEach((s) => s()))));
  }

  private async heartbeat(boxId: string, userId: string, sink: EventSink, stop: () => void) {
    sink.comment('ping');
    const role = await this.boxes.roleOf(boxId, userId).catch(() => 'unknown');
    if (!role) stop();
  }

  /** The log's events after `seq`, oldest first. */
  private async replay(stream: string, seq: number): Promise<LogEvent[]> {
    const entries = await this.redis.xrange(stream, `${seq + 1}-0`, '+', 'COUNT', EVENT_LOG_LENGTH * 2);
    return entries.map(([id, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      return { seq: Number(id.split('-')[0]), name: f.name!, data: f.data! };
    });
  }

  private async listen(channel: string, fn: (e: LogEvent) => void) {
    if (!this.sub) {
      this.sub = this.redis.duplicate();
      this.sub.on('error', (e) => this.logger.warn(`event subscriber: ${e.message}`));
      this.sub.on('message', (ch: string, msg: string) => {
        const [seq, name, data] = JSON.parse(msg) as [number, string, string];
        for (const f of this.listeners.get(ch)?.fns ?? []) f({ seq, name, data });
      });
    }
    let entry = this.listeners.get(channel);
    if (!entry) {
      entry = { fns: new Set(), ready: this.sub.subscribe(channel) };
      this.listeners.set(channel, entry);
    }
    entry.fns.add(fn);
    await entry.ready;
  }

  private unlisten(channel: string, fn: (e: LogEvent) => void) {
    const entry = this.listeners.get(channel);
    if (!entry) return;
    entry.fns.delete(fn);
    if (entry.fns.size > 0) return;
    this.listeners.delete(channel);
    void this.sub?.unsubscribe(channel).catch(() => undefined);
  }
}
