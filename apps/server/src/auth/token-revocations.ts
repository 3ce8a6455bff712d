import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/env.js';
import { CONFIG, REDIS } from '../common/tokens.js';

/** Redis's count of revocations announced, install-wide. */
export const revocationCountKey = (redisPrefix: string) => `${redisPrefix}:tokens-revoked:count`;

/** A Redis that does not answer the count within this long is treated as unable to say: the cache is not trusted. */
const COUNT_PATIENCE_MS = 2000;

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
  private readonly countKey: string;

  constructor(@Inject(REDIS) private readonly redis: Redis, @Inject(CONFIG) config: AppConfig) {
    this.channel = `${config.redisPrefix}:tokens-revoked`;
    this.countKey = revocationCountKey(config.redisPrefix);
  }

  /**
   * Counts the revocation and passes the ids to every node, in one Redis transaction, and resolves
   * once that is done (never rejects). The count is what makes "refused at once" hold: a node
   * reads it before trusting a cached token (PrincipalCache.checkRevocations), so a revoke
   * answered after this is refused everywhere even when the message itself is still on its way
   * (Redis may write the publisher's reply before the subscribers' copies).
   */
  async announce(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.redis.multi().incr(this.countKey).publish(this.channel, JSON.stringify(ids)).exec()
      .catch((e: Error) => this.logger.warn(`announcing revoked tokens failed: ${e.message}`));
  }

  /** How many revocations were announced install-wide so far, or null when Redis cannot say now. */
  async count(): Promise<number | null> {
    if (this.redis.status !== 'ready') return null;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), COUNT_PATIENCE_MS)));
    try {
      const n = await Promise.race([this.redis.get(this.countKey), late]);
      return n === 'late' ? null : Number(n ?? 0); // no key yet: nothing was ever revoked
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
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
