import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/env.js';
import { CONFIG, REDIS } from '../common/tokens.js';

/**
 * Tells every API node that tokens were revoked, through Redis pub/sub: each node then ends the
 * sockets and event streams opened with them (REST needs nothing: every request reads the token).
 */
@Injectable()
export class TokenRevocations implements OnModuleDestroy {
  private readonly logger = new Logger('TokenRevocations');
  private sub: Redis | null = null;
  private readonly listeners = new Set<(ids: string[]) => void>();
  private readonly channel: string;

  constructor(@Inject(REDIS) private readonly redis: Redis, @Inject(CONFIG) config: AppConfig) {
    this.channel = `${config.redisPrefix}:tokens-revoked`;
  }

  announce(ids: string[]): void {
    if (!ids.length) return;
    this.redis.publish(this.channel, JSON.stringify(ids)).catch((e: Error) => this.logger.warn(`announcing revoked tokens failed: ${e.message}`));
  }

  /** Calls fn with the ids of tokens revoked anywhere; resolves once listening (never rejects). */
  async listen(fn: (ids: string[]) => void): Promise<void> {
    this.listeners.add(fn);
    if (this.sub) return;
    this.sub = this.redis.duplicate();
    this.sub.on('error', (e: Error) => this.logger.warn(`revocation subscriber: ${e.message}`));
    this.sub.on('message', (_ch: string, msg: string) => {
      const ids = JSON.parse(msg) as string[];
      for (const l of this.listeners) l(ids);
    });
    // a node closing while it subscribes has nothing left to end: no unhandled rejection
    await this.sub.subscribe(this.channel).catch((e: Error) => this.logger.warn(`listening for revoked tokens failed: ${e.message}`));
  }

  onModuleDestroy() {
    this.sub?.disconnect();
  }
}
