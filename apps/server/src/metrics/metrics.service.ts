import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { tokenFromHeader } from '../auth/token.service.js';
import { AppError } from '../common/app-error.js';
import type { AppConfig } from '../config/env.js';
import { CONFIG } from '../common/tokens.js';
import { GENERATION_QUEUE } from '../generation/generation.jobs.js';
import { GenerationQueue } from '../generation/generation.queue.js';
import { exposition, type Sample } from './exposition.js';
import { MetricsRepository } from './metrics.repository.js';
import { WEBHOOK_VERDICTS, WebhookVerdicts } from '../webhooks/webhook-verdicts.js';

/** Durations are summarised over this recent window, in seconds. */
const DURATION_WINDOW_S = 15 * 60;
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'paused'] as const;

/**
 * `GET /metrics`: generation totals and durations from the database (every node agrees), the
 * queue's depth from Redis, webhook verdicts and process metrics of this node.
 */
@Injectable()
export class MetricsService {
  private readonly process = new Registry();

  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly generation: GenerationQueue,
    private readonly repo: MetricsRepository,
    private readonly verdicts: WebhookVerdicts,
  ) {
    collectDefaultMetrics({ register: this.process });
  }

  readonly contentType = this.process.contentType;

  /** Open when METRICS_TOKEN is unset; otherwise `Authorization: Bearer <METRICS_TOKEN>`. */
  authorize(header: string | undefined): void {
    const expected = this.config.metricsToken;
    if (!expected) return;
    const given = Buffer.from(tokenFromHeader(header) ?? '');
    const wanted = Buffer.from(expected);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
      throw new AppError('unauthorized', 'Send "Authorization: Bearer <METRICS_TOKEN>" to read /metrics');
  }

  async scrape(): Promise<string> {
    const [finished, recent, jobs, defaults] = await Promise.all([
      this.repo.finished(),
      this.repo.recent(DURATION_WINDOW_S),
      this.generation.queue.getJobCounts() as Promise<Partial<Record<(typeof QUEUE_STATES)[number], number>>>,
      this.process.metrics(),
    ]);
    const verdicts = this.verdicts.snapshot();
    const durations = recent.flatMap((r): Sample[] => (r.done ? [
      ...(r.p50 === null ? [] : [{ labels: { model: r.model, quantile: '0.5' }, value: r.p50 }]),
      ...(r.p95 === null ? [] : [{ labels: { model: r.model, quantile: '0.95' }, value: r.p95 }]),
      { labels: { model: r.model }, value: r.sum, suffix: '_sum' },
      { labels: { model: r.model }, value: r.done, suffix: '_count' },
    ] : []));
    return [
      // a gauge, not a counter: it is read from the assets the database holds, and deleting assets
      // lowers it, which a counter must never do (Prometheus would take each drop for a reset)
      exposition('genbox_generations_finished', 'gauge', 'Generation runs that finished, by model slug and outcome (completed, failed, canceled), of the assets still held; a retried asset counts each run.',
        finished.map((r) => ({ labels: { model: r.model, outcome: r.status.toLowerCase() }, value: r.n }))),
      exposition('genbox_generations_in_flight', 'gauge', 'Generations pending or processing now, by model slug.',
        recent.flatMap((r) => [{ labels: { model: r.model, status: 'pending' }, value: r.pending }, { labels: { model: r.model, status: 'processing' }, value: r.processing }])),
      exposition('genbox_generation_duration_seconds', 'summary', `Seconds from request to completion of generations completed in the last ${DURATION_WINDOW_S / 60} minutes, by model slug.`, durations),
      exposition('genbox_queue_jobs', 'gauge', 'Jobs in the Bull queue by state.',
        QUEUE_STATES.map((state) => ({ labels: { queue: GENERATION_QUEUE, state }, value: jobs[state] ?? 0 }))),
      exposition('genbox_webhook_verdicts_total', 'counter', 'Provider callbacks received by this process, by verdict.',
        WEBHOOK_VERDICTS.map((verdict) => ({ labels: { verdict }, value: verdicts[verdict] }))),
      defaults,
    ].join('');
  }
}
