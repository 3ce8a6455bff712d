import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { Public } from '../auth/auth.guard.js';
import { DATABASE, REDIS, STORAGE } from '../common/tokens.js';
import type { Database } from '../database/database.js';
import type { StorageDriver } from '../storage/storage.port.js';

type Check = { ok: boolean; error?: string; ms: number };

async function check(fn: () => Promise<unknown>): Promise<Check> {
  const t = Date.now();
  try {
    await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error('timed out after 2 s')), 2000))]);
    return { ok: true, ms: Date.now() - t };
  } catch (e) {
    return { ok: false, error: (e as Error).message, ms: Date.now() - t };
  }
}

/** 200 when database, Redis and storage answer; 503 naming the one that does not. */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(STORAGE) private readonly storage: StorageDriver,
  ) {}

  @Public() @Get()
  async health(@Res() res: Response) {
    const [database, redis, storage] = await Promise.all([
      check(() => this.db.query('SELECT 1')),
      check(() => this.redis.ping()),
      check(() => this.storage.health()),
    ]);
    const ok = database.ok && redis.ok && storage.ok;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', database, redis, storage: { ...storage, driver: this.storage.kind } });
  }
}
