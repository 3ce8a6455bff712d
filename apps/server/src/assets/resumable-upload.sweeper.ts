import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/env.js';
import { CONFIG, STORAGE } from '../common/tokens.js';
import type { StorageDriver } from '../storage/storage.port.js';
import { ResumableUploadsRepository } from './resumable-uploads.repository.js';

/** Rows one statement deletes: a sweep after a long pause takes many small bites, not one long lock. */
const BATCH = 100;

/**
 * Deletes resumable uploads that stopped receiving bytes more than UPLOAD_EXPIRY_SECONDS ago: the
 * row, and the pieces it names in storage. Runs in workers at start and every
 * UPLOAD_SWEEP_INTERVAL_MS. Safe on several nodes at once: each row is deleted by one statement
 * that skips rows another sweep holds, and only the sweep that deleted a row deletes its pieces.
 * (A box's uploads go with the box: BoxesRepository.delete collects their pieces.)
 */
@Injectable()
export class ResumableUploadSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UploadSweeper');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly uploads: ResumableUploadsRepository,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap() {
    const every = this.config.resumableUploads.sweepIntervalMs;
    if (!every) return;
    this.timer = setInterval(() => void this.sweep().catch((e) => this.logger.warn(`expired uploads sweep failed: ${(e as Error).message}`)), every);
    this.timer.unref();
    void this.sweep().catch((e) => this.logger.warn(`expired uploads sweep failed: ${(e as Error).message}`));
  }

  onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
  }

  /** One sweep (joined when one is already running in this process); how many uploads it removed. */
  sweep(): Promise<number> {
    this.running ??= this.sweepAll().finally(() => (this.running = null));
    return this.running;
  }

  private async sweepAll(): Promise<number> {
    let removed = 0;
    for (;;) {
      const { count, keys } = await this.uploads.removeExpired(BATCH);
      removed += count;
      // a piece that cannot be deleted now is logged; its row is gone, so no client can reach it
      await Promise.all(keys.map((k) => this.storage.delete(k).catch((e) => this.logger.warn(`could not delete upload piece ${k}: ${(e as Error).message}`))));
      if (count < BATCH) return removed;
    }
  }
}
