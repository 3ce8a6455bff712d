import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/env.js';
import { CONFIG } from '../common/tokens.js';
import type { SecretBox } from '../providers/secret-box.js';
import { SECRET_BOX } from '../providers/secret-box.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { sendWebhook } from './webhook.sender.js';
import { webhookHeaders } from './webhook-signature.js';

/** An attempt that failed and will be tried again (Bull backs off, then retries the job). */
export class DeliveryRetry extends Error {}

/** One attempt of a delivery: sign, POST, record what came back, give up and disable when it is the last. */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /** `tryNo`: 1 for the first try of this job; the job's last try gives up. */
  async attempt(deliveryId: string, tryNo: number): Promise<void> {
    const delivery = await this.deliveries.find(deliveryId);
    if (!delivery || delivery.status !== 'pending') return; // deleted with its endpoint or box, or already settled
    const endpoint = await this.endpoints.find(delivery.endpoint_id);
    if (!endpoint?.is_active) return;
    const body = JSON.stringify(delivery.payload);
    const headers = webhookHeaders(this.secrets.open(endpoint.secret_encrypted), delivery.event_id, body, new Date());
    const res = await sendWebhook(endpoint.url, body, headers, { allowPrivate: endpoint.allow_private_network, timeoutMs: this.config.webhooks.timeoutMs });
    const ok = res.status !== null && res.status >= 200 && res.status < 300;
    const { maxAttempts, retryBaseMs } = this.config.webhooks;
    const last = tryNo >= maxAttempts;
    const error = ok ? null : (res.error ?? `the receiver answered HTTP ${res.status}`);
    // Bull waits base × (2^tries − 1) before the next try
    const nextAttemptAt = ok || last ? null : new Date(Date.now() + retryBaseMs * (2 ** tryNo - 1));
    await this.deliveries.recordAttempt(deliveryId, { status: ok ? 'delivered' : last ? 'failed' : 'pending', responseStatus: res.status, responseMs: res.ms, error, nextAttemptAt });
    if (ok) return;
    if (!last) throw new DeliveryRetry(`${delivery.event_id} to ${endpoint.url}: ${error}`);
    const reason = `Turned off on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${delivery.event_type} ${delivery.event_id} failed all ${maxAttempts} tries (last: ${error}). Fix the receiver, then turn the endpoint back on and re-send.`;
    if (await this.endpoints.disable(endpoint.id, reason)) {
      this.logger.warn(`webhook endpoint ${endpoint.id} of box ${endpoint.box_id} turned off: ${error}`);
      await this.deliveries.failPending(endpoint.id, 'not tried: the endpoint was turned off');
    }
  }
}
