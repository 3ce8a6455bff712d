import { looksContentFiltered } from '../http.js';
import { ProviderError } from '../errors.js';
import type { PollResult, ProviderFailure } from '../adapter.js';

/** What Runware sends back for every array request (PROTOCOLS §3): results in `data`, failures in `errors`. */
export interface RunwareAnswer {
  data?: RunwareItem[];
  errors?: RunwareErrorItem[];
}

export interface RunwareItem {
  taskType: string;
  taskUUID: string;
  status?: string;
  imageUUID?: string;
  imageURL?: string;
  videoUUID?: string;
  videoURL?: string;
  NSFWContent?: boolean;
  cost?: number;
  seed?: number;
}

export interface RunwareErrorItem {
  code?: string;
  message?: string;
  parameter?: string;
  taskType?: string;
  taskUUID?: string;
  status?: string;
}

export const RUNWARE = 'Runware';

/** The outcome of one task, read from the items and errors that carry its taskUUID. */
export function readRunwareTask(answer: RunwareAnswer, taskUUID: string): PollResult {
  const error = (answer.errors ?? []).find((e) => !e.taskUUID || e.taskUUID === taskUUID);
  if (error) return { status: 'FAILED', providerState: error.status ?? 'error', error: runwareFailure(error) };

  const items = (answer.data ?? []).filter((d) => d.taskUUID === taskUUID);
  if (items.length === 0) return { status: 'PROCESSING', providerState: 'processing' };
  const finished = items.filter((d) => (d.status ?? 'success') === 'success');
  if (finished.length < items.length) return { status: 'PROCESSING', providerState: items[0].status ?? 'processing' };

  const outputs = finished.flatMap((d) => {
    if (d.videoURL) return [{ url: d.videoURL, mimeType: 'video/mp4' }];
    if (d.imageURL) return [{ url: d.imageURL }];
    return [];
  });
  // Runware refuses content by answering "success" without a URL (PROTOCOLS §3.6).
  if (outputs.length === 0) {
    return {
      status: 'FAILED',
      providerState: 'success',
      error: { code: 'provider_content_filtered', message: `${RUNWARE} returned no result for this prompt (its content filter withheld it): change the prompt or the input image.` },
    };
  }
  // `cost` (USD) comes with includeCost, which every task asks for
  const costs = finished.map((d) => d.cost).filter((c): c is number => typeof c === 'number');
  return { status: 'COMPLETED', providerState: 'success', outputs, ...(costs.length ? { providerCost: { amount: costs.reduce((a, b) => a + b, 0), unit: 'usd' } } : {}) };
}

/** One entry of Runware's `errors` array as a failure a person can act on, keeping Runware's own words. */
export function runwareFailure(e: RunwareErrorItem): ProviderFailure {
  const code = e.code ?? 'unknown';
  const said = `"${e.message ?? code}" (${code}${e.parameter ? `, parameter ${e.parameter}` : ''})`;
  if (/apikey|unauthori[sz]ed|authentication/i.test(code)) {
    return { code: 'provider_auth', message: `${RUNWARE} rejected the API key: ${said}: check the key in Providers.` };
  }
  if (/insufficient|balance|credit/i.test(code)) {
    return { code: 'provider_insufficient_credits', message: `${RUNWARE} says the account balance is too low: ${said}: top up the Runware account, then retry.` };
  }
  if (looksContentFiltered(`${code} ${e.message ?? ''}`)) {
    return { code: 'provider_content_filtered', message: `${RUNWARE} refused the content: ${said}: change the prompt or the input image.` };
  }
  if (/^(invalid|unsupported|missing)/i.test(code)) {
    return { code: 'provider_invalid_params', message: `${RUNWARE} refused the parameters: ${said}: change the generation settings or the model's settings.` };
  }
  return { code: 'provider_task_failed', message: `${RUNWARE} could not finish the task: ${said}.` };
}

/** An `errors` entry met while submitting: thrown, so the asset fails (or retries) like any other provider error. */
export function runwareError(e: RunwareErrorItem): ProviderError {
  const failure = runwareFailure(e);
  return new ProviderError(failure.code as ProviderError['code'], failure.message);
}
