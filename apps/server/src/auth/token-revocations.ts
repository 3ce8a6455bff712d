import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/env.js';
import { CONFIG, REDIS } from '../common/tokens.js';

/**
 * Tells every API node that tokens were revoked, through Redis pub/sub: each node then ends the
 * sockets and event streams opened with them and forgets them in its PrincipalCache.
 */
@Injectable()
export class TokenRevocations implements OnModuleDestroy {
  private readonly logger = new Logger('TokenRevocations');
  private sub: Redis | null = null;
  private readonly listeners = new Set<(ids: string[]) => void>();
  private readonly gapListeners = new Set<() => void>();
  private subscribed = false;
  private readonly channel: string;

  constructor(@Inject(REDIS) private readonly redis: Redis, @Inject(CONFIG) config: AppConfig) {
    this.channel = `${config.redisPrefix}:tokens-revoked`;
  }

  /**
   * Resolves once Redis has passed the ids to every node (never rejects): a revoke answered after
   * this is refused on the others too, even by a client that goes straight to one of them.
   */
  async announce(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.redis.publish(this.channel, JSON.stringify(ids)).catch((e: Error) => this.logger.warn(`announcing revoked tokens failed: ${e.message}`));
  }

  /** True while announcements reach this node: when false, one may be missed. */
  get live(): boolean {
    return this.subscribed;
  }

  /**
   * Calls fn with the ids of tokens revoked anywhere, and onGap when the link to Redis broke (what
   * was announced meanwhile is lost); resolves once listening (never rejects).
   */
  async listen(fn: (ids: string[]) => void, onGap?: () => void): Promise<void> {
    this.listeners.add(fn);
    if (onGap) this.gapListeners.add(onGap);
    if (this.sub) return;
    this.sub = this.redis.duplicate();
    this.sub.on('error', (e: Error) => this.logger.warn(`revocation subscriber: ${e.message}`));
    this.sub.on('close', () => {
      if (!this.subscribed) return;
      this.subscribed = false;
      for (const g of this.gapListeners) g();
    });
    this.sub.on('message', (_ch: string, msg: string) => {
      const ids = JSON.parse(msg) as string[];
      for (const l of this.listeners) l(ids);
    });
    // a node closing while it subscribes has nothing left to end: no unhandled rejection
    await this.subscribe();
    // back after a break: live again once (re)subscribed, not at 'ready' (ioredis resubscribes after it)
    this.sub.on('ready', () => void this.subscribe());
  }

  private async subscribe(): Promise<void> {
    await this.sub?.subscribe(this.channel).then(
      () => (this.subscribed = true),
      (e: Error) => this.logger.warn(`listening for revoked tokens failed: ${e.message}`),
    );
  }

  onModuleDestroy() {
    this.sub?.disconnect();
  }
}
