import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AssetRow } from '../assets/asset.row.js';
import { AssetsRepository } from '../assets/assets.repository.js';
import { BoxesRepository } from '../boxes/boxes.repository.js';
import type { AppConfig } from '../config/env.js';
import { CONFIG, DATABASE } from '../common/tokens.js';
import type { Database } from '../database/database.js';
import { finishJobId, GenerationQueue, pollJobId } from './generation.queue.js';
import { SubmitRequestBuilder } from './submit-request.builder.js';

/**
 * Gives a job back to every unfinished asset that has none. Jobs live only in Redis: a Redis that
 * restarts without persistence (or evicts keys), or a job that stalled past Bull's limit, leaves
 * PENDING and PROCESSING assets nobody will ever move. Runs in workers at start and every
 * RECONCILE_INTERVAL_MS; safe to run anywhere and twice, because every step is idempotent and
 * every status change guarded (the worst a race costs is one extra poll).
 */
@Injectable()
export class QueueReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reconciler');
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly queue: GenerationQueue,
    private readonly assets: AssetsRepository,
    private readonly boxes: BoxesRepository,
    private readonly requests: SubmitRequestBuilder,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap() {
    const every = this.config.reconcileIntervalMs;
    if (!every) return;
    this.timer = setInterval(() => void this.runOnce(), every);
    this.timer.unref();
    void this.runOnce();
  }

  onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
  }

  /** One sweep; answers how many assets got a job back. Errors (Redis still down) wait for the next sweep. */
  async runOnce(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      // an asset this young may be between its insert and its enqueue
      const graceMs = Math.min(2 * this.config.reconcileIntervalMs, 60_000);
      const candidates = await this.db.query<{ id: string }>(
        `SELECT id FROM assets WHERE status IN ('PENDING', 'PROCESSING') AND updated_at < now() - ($1 || ' milliseconds')::interval`,
        [graceMs],
      );
      if (!candidates.length) return 0;
      // two looks at the queue: a job moving between lists during the first can be missed once, not twice
      const first = await this.queuedAssetIds();
      const orphans = candidates.map((c) => c.id).filter((id) => !first.has(id));
      if (!orphans.length) return 0;
      await new Promise((r) => setTimeout(r, 200));
      const second = await this.queuedAssetIds();
      let revived = 0;
      for (const id of orphans.filter((i) => !second.has(i))) {
        const asset = await this.assets.find(id);
        if (asset && (await this.revive(asset))) revived++;
      }
      if (revived) this.logger.warn(`gave ${revived} unfinished asset(s) with no queued job a new one (Redis lost its jobs, or a job stalled for good)`);
      return revived;
    } catch (e) {
      this.logger.warn(`reconcile skipped: ${(e as Error).message}`);
      return 0;
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
    const tag = `rc${Date.now()}`;
    if (a.status === 'PENDING') {
      if (await this.boxes.isPaused(a.box_id)) return false; // resuming the box enqueues it
      const chain = `${a.id}:a${a.attempts}:${tag}`;
      await this.queue.add('submit', { assetId: a.id, try: 0, chain }, { jobId: chain, priority: a.priority ?? undefined });
      return true;
    }
    if (a.status !== 'PROCESSING') return false;
    if (a.external_task_id) {
      await this.queue.add('poll', { assetId: a.id, attempt: 0 }, { jobId: `${pollJobId(a.id, a.attempts, 0)}:${tag}` });
      return true;
    }
    const submitting = /^submitting:(.+)$/.exec(a.provider_state ?? '');
    if (submitting) {
      // the chain that moved it may send it again (its try died before the provider answered)
      const chain = submitting[1]!;
      await this.queue.add('submit', { assetId: a.id, try: 0, chain }, { jobId: `${chain}:${tag}` });
      return true;
    }
    if (a.provider_state === 'finishing') {
      // a sync provider's bytes wait in staging for a finish job that is gone
      const job = await this.requests.build(a);
      await this.queue.add('finish', { assetId: a.id, attempt: a.attempts, source: { stagingKey: `staging/${a.id}/a${a.attempts}` }, providerName: job.provider.name, allowPrivateNetwork: job.provider.allowPrivateNetwork },
        { jobId: finishJobId(a.id, a.attempts) });
      return true;
    }
    return false;
  }
}
