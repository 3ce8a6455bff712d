import { timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { type IncomingWebhook, ProviderError } from '@genbox/providers';
import { AssetsRepository } from '../assets/assets.repository.js';
import { isUuid } from '../common/is-uuid.js';
import { ProviderConfigs } from '../providers/provider-configs.js';
import { AppError } from '../common/app-error.js';
import { AdapterRegistry } from '../generation/adapter.registry.js';
import { CreditsService } from '../credits/credits.service.js';
import { PollStep } from '../generation/poll.step.js';
import { type WebhookVerdict, WebhookVerdicts } from '../webhooks/webhook-verdicts.js';

/**
 * A callback is only a hint: once its URL token and the provider's signature check out, the
 * asset is polled now, and the poll's guarded steps decide. Duplicates, late and out-of-order
 * callbacks therefore change nothing by themselves.
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly assets: AssetsRepository,
    private readonly configs: ProviderConfigs,
    private readonly registry: AdapterRegistry,
    private readonly polls: PollStep,
    private readonly verdicts: WebhookVerdicts,
    private readonly credits: CreditsService,
  ) {}

  /** Counts each callback's verdict for /metrics. */
  async receive(kind: string, assetId: string, hook: IncomingWebhook): Promise<{ ok: true }> {
    try {
      const answer = await this.verifyAndPoll(kind, assetId, hook);
      this.verdicts.count('accepted');
      return answer;
    } catch (e) {
      const verdict = e instanceof AppError ? VERDICTS[e.code] : undefined;
      if (verdict) this.verdicts.count(verdict);
      throw e;
    }
  }

  private async verifyAndPoll(kind: string, assetId: string, hook: IncomingWebhook): Promise<{ ok: true }> {
    const asset = isUuid(assetId) ? await this.assets.find(assetId) : null;
    const token = hook.query.token ?? '';
    if (!asset || !asset.webhook_token || !sameSecret(token, asset.webhook_token)) throw new AppError('not_found', 'Unknown callback');
    const found = asset.model_id ? await this.configs.model(asset.model_id) : null;
    if (!found || found.providerRow.kind !== kind) throw new AppError('not_found', 'Unknown callback');

    const adapter = this.registry.get(found.providerRow.kind);
    if (adapter.parseWebhook) {
      try {
        const parsed = adapter.parseWebhook(hook, found.provider, found.modelConfig);
        if (parsed.taskId && asset.external_task_id && parsed.taskId !== asset.external_task_id) return { ok: true }; // about an older attempt
        // only a callback may say what the run cost (Kie's consumeCredits); the poll below cannot
        if (parsed.result?.status === 'COMPLETED') await this.credits.recordProviderCost(asset.id, asset.attempts, parsed.result.providerCost);
        await this.polls.pollNow(asset.id, `hook-${parsed.eventId ?? Date.now()}`);
      } catch (e) {
        if (e instanceof ProviderError && e.code === 'webhook_signature_invalid') {
          this.logger.warn(`refused a ${kind} callback for ${asset.id}: bad signature`);
          throw new AppError('unauthorized', 'Invalid webhook signature');
        }
        throw e instanceof ProviderError ? new AppError('bad_request', e.message) : e;
      }
    } else {
      await this.polls.pollNow(asset.id, `hook-${Date.now()}`);
    }
    return { ok: true };
  }
}

const VERDICTS: Partial<Record<AppError['code'], WebhookVerdict>> = { not_found: 'unknown', unauthorized: 'bad_signature', bad_request: 'invalid' };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
