import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AssetRow } from '../assets/asset.row.js';
import { AssetsRepository } from '../assets/assets.repository.js';
import { BoxesRepository } from '../boxes/boxes.repository.js';
import type { AppConfig } from '../config/env.js';
import { withLogContext } from '../common/logging/log-context.js';
import { CONFIG, REDIS } from '../common/tokens.js';
import { GenerationQueue } from './generation.queue.js';
import { FINISHING_MARKER, chainOfMarker, stagingKey } from './job-identity.js';
import { SubmitRequestBuilder } from './submit-request.builder.js';

/**
 * Gives a job back to every unfinished asset that has none. Jobs live only in Redis: a Redis that
 * restarts without persistence (or evicts keys), or a job that stalled past Bull's limit, leaves
 * PENDING and PROCESSING assets nobody will ever move. Runs in workers at start and every
 * RECONCILE_INTERVAL_MS; safe to run anywhere and twice, because every step is idempotent and
 * every status change guarded (the worst a race costs is one extra poll).
 *
 * Redis coming back after an outage is the moment jobs are most likely lost (it may have restarted
 * empty), so a sweep follows about a second later, with a short grace, rather than up to a
 * minute later: the work resumes within seconds with the default settings.
 */
/** Grace of the sweep that follows Redis's return, in ms: only the last moment's inserts may still be on their way to the queue. */
const AFTER_OUTAGE_GRACE_MS = 2000;
/** Sweeps tried, a second apart, after Redis is back, until one can look. */
const AFTER_OUTAGE_TRIES = 30;

@Injectable()
export class QueueReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reconciler');
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private redisWasDown = false;
  private soonTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly queue: GenerationQueue,
    private readonly assets: AssetsRepository,
    private readonly boxes: BoxesRepository,
    private readonly requests: SubmitRequestBuilder,
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap() {
    const every = this.config.reconcileIntervalMs;
    if (!every) return;
    this.timer = setInterval(() => void this.runOnce(), every);
    this.timer.unref();
    this.redis.on('close', this.onRedisClose);
    this.redis.on('ready', this.onRedisReady);
    void this.runOnce();
  }

  onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.redis.off('close', this.onRedisClose);
    this.redis.off('ready', this.onRedisReady);
  }

  private readonly onRedisClose = () => {
    this.redisWasDown = true;
  };

  private readonly onRedisReady = () => {
    if (!this.redisWasDown) return;
    this.redisWasDown = false;
    this.sweepSoon(AFTER_OUTAGE_TRIES);
  };

  /**
   * A sweep in `delayMs` with a short grace, tried again while it cannot look (Bull's own
   * connections may still be reconnecting), and once more a few seconds later for the assets the
   * grace left out.
   */
  private sweepSoon(triesLeft: number, followUp = true, delayMs = 1000): void {
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.soonTimer = setTimeout(() => {
      this.soonTimer = null;
      void this.runOnce(AFTER_OUTAGE_GRACE_MS).then((n) => {
        if (n === null && triesLeft > 1) this.sweepSoon(triesLeft - 1, followUp);
        else if (n !== null && followUp) this.sweepSoon(AFTER_OUTAGE_TRIES, false, 2 * AFTER_OUTAGE_GRACE_MS);
      });
    }, delayMs);
    this.soonTimer.unref();
  }

  /**
   * One sweep; answers how many assets got a job back, or null when it could not look (Redis or
   * PostgreSQL still down, or a sweep already running): the next sweep will.
   */
  async runOnce(graceMs = Math.min(2 * this.config.reconcileIntervalMs, 60_000)): Promise<number | null> {
    if (this.running) return null;
    this.running = true;
    try {
      // graceMs: an asset this young may be between its insert and its enqueue
      const candidates = await this.assets.unfinishedIdleFor(graceMs);
      if (!candidates.length) return 0;
      // two looks at the queue: a job moving between lists during the first can be missed once, not twice
      const first = await this.queuedAssetIds();
      const orphans = candidates.filter((id) => !first.has(id));
      if (!orphans.length) return 0;
      await new Promise((r) => setTimeout(r, 200));
      const second = await this.queuedAssetIds();
      let revived = 0;
      for (const id of orphans.filter((i) => !second.has(i))) {
        const asset = await this.assets.find(id);
        if (asset && (await withLogContext({ assetId: asset.id, boxId: asset.box_id }, () => this.revive(asset)))) revived++;
      }
      if (revived) this.logger.warn(`gave ${revived} unfinished asset(s) with no queued job a new one (Redis lost its jobs, or a job stalled for good)`);
      return revived;
    } catch (e) {
      this.logger.warn(`reconcile skipped: ${(e as Error).message}`);
      return null;
    } finally {
      this.running = false;
    }
  }

  private async queuedAssetIds(): Promise<Set<string>> {
    const jobs = await this.queue.queue.getJobs(['active', 'waiting', 'delayed', 'paused']);
    return new Set(jobs.filter(Boolean).map((j) => (j.data as { assetId?: string }).assetId).filter((x): x is string => !!x));
  }

  /** The job the asset's state calls for; false when it needs none (a paused box). */
  private async revive(a: AssetRow): Promise<boolean> {
    const at = Date.now();
    if (a.status === 'PENDING') {
      if (await this.boxes.isPaused(a.box_id)) return false; // resuming the box enqueues it
      await this.queue.submitReconciled(a.id, a.attempts, at, a.priority);
      return true;
    }
    if (a.status !== 'PROCESSING') return false;
    if (a.external_task_id) {
      await this.queue.pollReconciled(a.id, a.attempts, at);
      return true;
    }
    const chain = chainOfMarker(a.provider_state);
    if (chain) {
      // the chain that moved it may send it again (its try died before the provider answered)
      await this.queue.resendReconciled(a.id, a.attempts, chain, at);
      return true;
    }
    if (a.provider_state === FINISHING_MARKER) {
      // a sync provider's bytes wait in staging for a finish job that is gone
      const job = await this.requests.build(a);
      await this.queue.finish({ assetId: a.id, assetAttempt: a.attempts, source: { stagingKey: stagingKey(a.id, a.attempts) }, providerName: job.provider.name, allowPrivateNetwork: job.provider.allowPrivateNetwork });
      return true;
    }
    return false;
  }
}
