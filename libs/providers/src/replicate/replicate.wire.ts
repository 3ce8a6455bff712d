import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PollResult, ProviderOutput } from '../adapter.js';
import { ProviderError } from '../errors.js';
import { looksContentFiltered } from '../http.js';

export const REPLICATE = 'Replicate';
export const REPLICATE_DEFAULT_BASE_URL = 'https://api.replicate.com/v1';

export interface Prediction {
  id: string;
  status: 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted' | string;
  output: unknown;
  error: unknown;
  logs?: string | null;
  data_removed?: boolean;
  /** predict_time: seconds of compute billed (a model's price per second times it is the charge). */
  metrics?: { predict_time?: number };
}

/** The last tqdm line in `logs` ("76%|███   | 7568/10000 […]") as 0–100, as the official client's parseProgressFromLogs reads it. */
export function progressFromLogs(logs: string | null | undefined): number | null {
  if (!logs) return null;
  const lines = logs.split(/[\r\n]+/).reverse();
  for (const line of lines) {
    const m = /^\s*(\d+)%\s*\|.+?\|\s*(\d+)\/(\d+)/.exec(line);
    if (m) return Math.min(100, Math.max(0, Number(m[1])));
  }
  return null;
}

/** Every URL in an output: one string, a list, or an object of them (models differ). */
function outputUrls(output: unknown): string[] {
  if (typeof output === 'string') return /^(https?:|data:)/.test(output) ? [output] : [];
  if (Array.isArray(output)) return output.flatMap(outputUrls);
  if (output && typeof output === 'object') return Object.values(output).flatMap(outputUrls);
  return [];
}

export function readPrediction(p: Prediction): PollResult {
  const providerState = String(p.status ?? 'unknown');
  switch (providerState) {
    case 'succeeded': {
      if (p.data_removed) {
        return { status: 'FAILED', providerState, error: { code: 'result_expired', message: `${REPLICATE} has already deleted this prediction's output (kept 1 hour): run the generation again.` } };
      }
      const outputs: ProviderOutput[] = outputUrls(p.output).map((url) => ({ url }));
      if (!outputs.length) return { status: 'FAILED', providerState, error: { code: 'provider_bad_response', message: `${REPLICATE} reported success but the output has no file URL; check that the model makes images or videos.` } };
      const seconds = p.metrics?.predict_time;
      return { status: 'COMPLETED', providerState, progress: 100, outputs, ...(typeof seconds === 'number' ? { providerCost: { amount: seconds, unit: 'replicate_predict_seconds' } } : {}) };
    }
    case 'failed':
    case 'aborted': {
      const reason = typeof p.error === 'string' ? p.error : p.error ? JSON.stringify(p.error) : providerState === 'aborted' ? 'the deadline passed before it started' : 'no reason given';
      const code = looksContentFiltered(reason) || /nsfw|sensitive/i.test(reason) ? 'provider_content_filtered' : 'provider_task_failed';
      const advice = code === 'provider_content_filtered' ? 'Change the prompt or the input image.' : 'Try again, or change the prompt or settings.';
      return { status: 'FAILED', providerState, error: { code, message: `${REPLICATE} could not generate this: "${reason}". ${advice}` } };
    }
    case 'canceled':
      return { status: 'CANCELED', providerState };
    default:
      return { status: 'PROCESSING', providerState, progress: progressFromLogs(p.logs) };
  }
}

/**
 * Standard Webhooks: `webhook-signature` lists `v1,<base64>` entries over `${id}.${timestamp}.${body}`,
 * keyed by the base64 part of the `whsec_…` secret. Constant-time compare; stale timestamps refused.
 */
export function verifyStandardWebhook(secret: string, id: string, timestamp: string, signatureHeader: string, rawBody: Buffer, nowMs: number, toleranceS = 300): void {
  const invalid = (why: string) => new ProviderError('webhook_signature_invalid', `${REPLICATE} webhook refused: ${why}. Check the webhook secret (whsec_…) in Providers.`);
  if (!id || !timestamp || !signatureHeader) throw invalid('webhook-id, webhook-timestamp or webhook-signature is missing');
  const ts = Number(timestamp);
  if (!Number.isFinite(ts) || Math.abs(nowMs / 1000 - ts) > toleranceS) throw invalid('the timestamp is too old or in the future');
  const key = Buffer.from(secret.split('_').pop() ?? '', 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest();
  const matches = signatureHeader.split(' ').some((entry) => {
    const [version, sig] = entry.split(',');
    const given = Buffer.from(sig ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw invalid('the signature does not match');
}
