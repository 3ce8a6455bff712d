import type { AssetStatus } from '@genbox/contracts';
import type { PollResult, ProviderOutput } from '../adapter.js';
import { ProviderError } from '../errors.js';
import { classifyHttpStatus, looksContentFiltered } from '../http.js';
import { readPath, readStrings } from './json-path.js';

/** What a provider state word means for Genbox. CONTENT_FILTERED ends FAILED with provider_content_filtered. */
export type MappedState = Exclude<AssetStatus, 'PENDING'> | 'CONTENT_FILTERED';

/**
 * A model's response_mapping, as stored on the row (snake_case JSON). Paths use json-path.ts syntax.
 * Sync models answer the result in the submit response; async ones answer a task id to poll.
 */
export interface TemplateMapping {
  mode: 'sync' | 'async';
  /** Header carrying the key: default `Authorization: Bearer <key>`; prefix '' for a bare key; null for none. */
  auth: { header: string; prefix: string } | null;
  /** Submit request: method, body encoding, Accept header. */
  method: string;
  body: 'json' | 'multipart';
  accept?: string;
  /** A status code inside the body (Kie's `code`): values other than `ok` are classified like HTTP statuses. */
  envelope?: { code_path: string; ok: (number | string)[] };
  task_id?: string;
  /** `url` is a template with `{{task_id}}` (absolute, or relative to the provider's base URL). */
  poll?: { url: string; method: string; interval_ms?: number; timeout_ms?: number };
  cancel?: { url: string; method: string };
  state?: string;
  /** Provider state word → meaning; words not listed mean still PROCESSING. Matched case-insensitively. */
  states: Record<string, MappedState>;
  result_urls?: string;
  /** Base64 results (OpenAI `data[*].b64_json`, Stability `image`), with their MIME type. */
  result_b64?: string;
  result_mime?: string;
  progress?: string;
  error?: string;
  error_code?: string;
  /** Send the input image as a data: URI in `{{image_url}}` instead of a URL. */
  inline_image?: boolean;
}

const MAPPED: readonly string[] = ['PROCESSING', 'COMPLETED', 'FAILED', 'CANCELED', 'CONTENT_FILTERED'];

/** Reads and checks a response_mapping; a broken one is template_invalid with what to fix. */
export function parseMapping(raw: unknown): TemplateMapping {
  const bad = (why: string) => new ProviderError('template_invalid', `The model's response_mapping is not usable: ${why}. Fix it in Models.`);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('it must be a JSON object');
  const m = raw as Record<string, unknown>;
  const mode = m.mode ?? (m.task_id ? 'async' : 'sync');
  if (mode !== 'sync' && mode !== 'async') throw bad('mode must be "sync" or "async"');
  if (mode === 'async' && (typeof m.task_id !== 'string' || !m.poll)) throw bad('an async model needs task_id and poll.url');
  const poll = m.poll as TemplateMapping['poll'] | undefined;
  if (mode === 'async' && typeof poll?.url !== 'string') throw bad('poll.url must be a URL template with {{task_id}}');
  const states: Record<string, MappedState> = {};
  for (const [word, meaning] of Object.entries((m.states as Record<string, string>) ?? {})) {
    if (!MAPPED.includes(meaning)) throw bad(`states.${word} must be one of ${MAPPED.join(', ')}`);
    states[word.toLowerCase()] = meaning as MappedState;
  }
  const body = m.body ?? 'json';
  if (body !== 'json' && body !== 'multipart') throw bad('body must be "json" or "multipart"');
  return {
    ...(m as Partial<TemplateMapping>),
    mode,
    auth: parseAuth(m.auth),
    method: typeof m.method === 'string' ? m.method.toUpperCase() : 'POST',
    body,
    poll: poll ? { ...poll, method: (poll.method ?? 'GET').toUpperCase() } : undefined,
    cancel: m.cancel ? { method: 'POST', ...(m.cancel as object) } as TemplateMapping['cancel'] : undefined,
    states,
  } as TemplateMapping;
}

function parseAuth(raw: unknown): TemplateMapping['auth'] {
  if (raw === null || raw === 'none') return null;
  if (raw === undefined || raw === 'bearer') return { header: 'authorization', prefix: 'Bearer ' };
  if (raw === 'token') return { header: 'authorization', prefix: 'Token ' };
  if (raw === 'key') return { header: 'authorization', prefix: 'Key ' };
  const o = raw as { header?: string; prefix?: string };
  return { header: (o.header ?? 'authorization').toLowerCase(), prefix: o.prefix ?? '' };
}

/** Throws the classified error when the body's own status code says the call failed. */
export function checkEnvelope(provider: string, body: unknown, mapping: TemplateMapping): void {
  if (!mapping.envelope) return;
  const code = readPath(body, mapping.envelope.code_path);
  if (mapping.envelope.ok.some((ok) => String(ok) === String(code))) return;
  throw classifyHttpStatus(provider, Number(code) || 502, JSON.stringify(body));
}

/** One answer (submit, poll or callback) → what it says about the task. */
export function readPollResult(provider: string, body: unknown, mapping: TemplateMapping): PollResult {
  const word = mapping.state ? readPath(body, mapping.state) : undefined;
  const providerState = word === undefined || word === null ? (mapping.mode === 'sync' ? 'done' : 'unknown') : String(word);
  const meaning: MappedState = mapping.states[providerState.toLowerCase()] ?? (mapping.mode === 'sync' && !mapping.state ? 'COMPLETED' : 'PROCESSING');
  const progressValue = Number(readPath(body, mapping.progress));
  const progress = mapping.progress && Number.isFinite(progressValue) ? Math.max(0, Math.min(100, progressValue)) : null;

  if (meaning === 'PROCESSING') return { status: 'PROCESSING', providerState, progress };
  if (meaning === 'CANCELED') return { status: 'CANCELED', providerState };
  const reason = String(readPath(body, mapping.error) ?? '').trim();
  const code = String(readPath(body, mapping.error_code) ?? '').trim();
  if (meaning === 'CONTENT_FILTERED' || (meaning === 'FAILED' && looksContentFiltered(reason))) {
    return failed(providerState, 'provider_content_filtered', `${provider} refused the content${said(reason, code)}: change the prompt or the input image.`);
  }
  if (meaning === 'FAILED') {
    return failed(providerState, 'provider_task_failed', `${provider} could not generate this${said(reason, code)}. Try again, or change the prompt or settings.`);
  }
  const outputs = readOutputs(body, mapping);
  if (outputs.length === 0) {
    return failed(providerState, 'provider_bad_response', `${provider} reported success but sent no result${said(reason, code)}; the content may have been filtered. Try again.`);
  }
  return { status: 'COMPLETED', providerState, progress: 100, outputs };
}

function readOutputs(body: unknown, mapping: TemplateMapping): ProviderOutput[] {
  const urls: ProviderOutput[] = readStrings(body, mapping.result_urls).map((url) => ({ url }));
  const inline: ProviderOutput[] = readStrings(body, mapping.result_b64).map((b64) => ({
    bytes: Buffer.from(b64.replace(/^data:[^,]*,/, ''), 'base64'),
    mimeType: mapping.result_mime ?? 'image/png',
  }));
  return [...urls, ...inline];
}

function said(reason: string, code: string): string {
  if (!reason && !code) return '';
  return `: "${reason || 'no reason given'}"${code ? ` (code ${code})` : ''}`;
}

const failed = (providerState: string, code: string, message: string): PollResult => ({ status: 'FAILED', providerState, error: { code, message } });
