import type { PollResult } from '../adapter.js';
import { ProviderError } from '../errors.js';
import { looksContentFiltered } from '../http.js';
import { readStrings } from '../template/json-path.js';
import { KIE, readKieRecord, type KieRecord } from './kie.wire.js';

/**
 * Kie.ai runs its products on separate APIs (docs.kie.ai): the market jobs API that most models use,
 * and product APIs such as Veo 3.1 with their own submit and detail endpoints and status words.
 * A model row picks its family by the submit path in api_endpoint.
 */
export interface KieFamily {
  name: string;
  submitPath: string;
  /** The detail endpoint, with the task id as `taskId` query parameter. */
  pollPath: string;
  read(data: unknown): PollResult;
}

/** `GET /api/v1/veo/record-info` data (docs.kie.ai/veo3-api/get-veo-3-video-details). */
export interface KieVeoRecord {
  taskId: string;
  /** 0 generating, 1 success, 2 failed, 3 generation failed (created, but upstream failed). */
  successFlag: 0 | 1 | 2 | 3 | number;
  response?: { resultUrls?: string[]; originUrls?: string[]; resolution?: string } | null;
  errorCode?: string | number | null;
  errorMessage?: string | null;
}

export function readVeoRecord(record: KieVeoRecord): PollResult {
  const providerState = `successFlag ${record.successFlag}`;
  if (record.successFlag === 1) {
    const urls = readStrings(record, 'response.resultUrls');
    if (urls.length === 0) return { status: 'FAILED', providerState, error: { code: 'provider_bad_response', message: `${KIE} reported the Veo video done but sent no result URL. Try again.` } };
    return { status: 'COMPLETED', providerState, progress: 100, outputs: urls.map((url) => ({ url, mimeType: 'video/mp4' })) };
  }
  if (record.successFlag === 2 || record.successFlag === 3) {
    const reason = String(record.errorMessage ?? '').trim() || 'no reason given';
    const said = `"${reason}"${record.errorCode != null && record.errorCode !== '' ? ` (errorCode ${record.errorCode})` : ''}`;
    const code = looksContentFiltered(reason) ? 'provider_content_filtered' : 'provider_task_failed';
    return { status: 'FAILED', providerState, error: { code, message: `${KIE} could not generate this Veo video: ${said}. Change the prompt or settings and try again.` } };
  }
  return { status: 'PROCESSING', providerState };
}

export const KIE_FAMILIES: KieFamily[] = [
  { name: 'market', submitPath: '/api/v1/jobs/createTask', pollPath: '/api/v1/jobs/recordInfo', read: (d) => readKieRecord(d as KieRecord) },
  { name: 'veo', submitPath: '/api/v1/veo/generate', pollPath: '/api/v1/veo/record-info', read: (d) => readVeoRecord(d as KieVeoRecord) },
];

export const KIE_MARKET = KIE_FAMILIES[0];

/** The family whose submit path the row names; a bare model name (the older convention) is the market API. */
export function kieFamilyOf(apiEndpoint: string): KieFamily {
  if (!apiEndpoint.startsWith('/')) return KIE_MARKET;
  const path = apiEndpoint.split('?')[0].replace(/\/+$/, '');
  const family = KIE_FAMILIES.find((f) => f.submitPath === path);
  if (!family) {
    const known = KIE_FAMILIES.map((f) => f.submitPath).join(', ');
    throw new ProviderError('template_invalid', `${KIE} has no API at "${path}" that Genbox knows: use one of ${known}, or a market model name in api_endpoint.`);
  }
  return family;
}
