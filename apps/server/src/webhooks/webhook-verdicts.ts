import { Injectable } from '@nestjs/common';

export const WEBHOOK_VERDICTS = ['accepted', 'bad_signature', 'unknown', 'invalid'] as const;
/** accepted: verified and acted on; bad_signature: the provider's signature did not check out;
 *  unknown: no such asset, wrong URL token or wrong provider; invalid: a body the adapter could not read. */
export type WebhookVerdict = (typeof WEBHOOK_VERDICTS)[number];

/** Webhook verdicts of this process since it started (each API node counts its own; Prometheus sums them). */
@Injectable()
export class WebhookVerdicts {
  private readonly counts = new Map<WebhookVerdict, number>(WEBHOOK_VERDICTS.map((v) => [v, 0]));

  count(verdict: WebhookVerdict): void {
    this.counts.set(verdict, (this.counts.get(verdict) ?? 0) + 1);
  }

  snapshot(): Record<WebhookVerdict, number> {
    return Object.fromEntries(this.counts) as Record<WebhookVerdict, number>;
  }
}
