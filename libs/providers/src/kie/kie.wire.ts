import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PollResult } from '../adapter.js';
import { ProviderError } from '../errors.js';
import { classifyHttpStatus, looksContentFiltered } from '../http.js';
import { readStrings } from '../template/json-path.js';

export const KIE = 'Kie.ai';
export const KIE_DEFAULT_BASE_URL = 'https://api.kie.ai';
export const KIE_DEFAULT_UPLOAD_BASE_URL = 'https://kieai.redpandaai.co';

/** Every Kie answer: `{code, msg, data}`; some doc examples say `message` instead of `msg`. */
export interface KieEnvelope<T> {
  code: number;
  msg?: string;
  message?: string;
  data?: T;
}

export interface KieRecord {
  taskId: string;
  model?: string;
  state: 'waiting' | 'queuing' | 'generating' | 'success' | 'fail' | string;
  /** JSON text: `{"resultUrls":[…]}`, or '' when the task failed. */
  resultJson?: string;
  /** A string, e.g. "422". */
  failCode?: string | number | null;
  failMsg?: string | null;
  /** Not in the official schema; some clients read it. */
  progress?: number;
  /** Kie credits the run used: in callbacks (`consumeCredits`); some clients read `creditsConsumed` from recordInfo. */
  consumeCredits?: number;
  creditsConsumed?: number;
}

/** Kie may answer HTTP 200 with an error in the body: the body `code` is checked as well as the status. */
export function checkKieEnvelope<T>(body: KieEnvelope<T>, what: string): T {
  if (!body || typeof body !== 'object' || typeof body.code !== 'number') {
    throw new ProviderError('provider_bad_response', `${KIE} sent an answer without its status code while ${what}; retry later.`);
  }
  if (body.code !== 200) throw classifyHttpStatus(KIE, body.code, JSON.stringify({ msg: body.msg ?? body.message }));
  if (body.data === undefined || body.data === null) {
    throw new ProviderError('provider_bad_response', `${KIE} answered without data while ${what}; retry later.`);
  }
  return body.data;
}

/** A recordInfo `data` (or a callback's `data`) → what it means for the asset. */
export function readKieRecord(record: KieRecord): PollResult {
  const providerState = String(record.state ?? 'unknown');
  const progress = typeof record.progress === 'number' ? Math.max(0, Math.min(100, record.progress)) : null;
  if (providerState === 'success') {
    const urls = readStrings(record, 'resultJson.resultUrls');
    if (urls.length === 0) {
      return { status: 'FAILED', providerState, error: { code: 'provider_bad_response', message: `${KIE} reported success but sent no result URL; the content may have been filtered. Try again.` } };
    }
    const credits = record.consumeCredits ?? record.creditsConsumed;
    const providerCost = typeof credits === 'number' && credits >= 0 ? { amount: credits, unit: 'kie_credits' } : undefined;
    return { status: 'COMPLETED', providerState, progress: 100, outputs: urls.map((url) => ({ url })), ...(providerCost ? { providerCost } : {}) };
  }
  if (providerState === 'fail') {
    const reason = String(record.failMsg ?? '').trim() || 'no reason given';
    const code = String(record.failCode ?? '').trim();
    const said = `"${reason}"${code ? ` (failCode ${code})` : ''}`;
    if (looksContentFiltered(reason)) {
      return { status: 'FAILED', providerState, error: { code: 'provider_content_filtered', message: `${KIE} refused the content: ${said}. Change the prompt or the input image.` } };
    }
    return { status: 'FAILED', providerState, error: { code: 'provider_task_failed', message: `${KIE} could not generate this: ${said}. Try again, or change the prompt or settings.` } };
  }
  return { status: 'PROCESSING', providerState, progress };
}

/** Kie signs `taskId.timestamp` (not the body) with the dashboard's webhookHmacKey. */
export function verifyKieSignature(secret: string, taskId: string, timestamp: string, signature: string, nowMs: number, toleranceS = 300): void {
  const invalid = (why: string) => new ProviderError('webhook_signature_invalid', `${KIE} callback refused: ${why}. Check the webhook HMAC key in Providers.`);
  const ts = Number(timestamp);
  if (!Number.isFinite(ts)) throw invalid('no X-Webhook-Timestamp');
  if (Math.abs(nowMs / 1000 - ts) > toleranceS) throw invalid('the timestamp is too old or in the future');
  const expected = createHmac('sha256', secret).update(`${taskId}.${timestamp}`).digest();
  const given = Buffer.from(signature ?? '', 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid('the signature does not match');
}
