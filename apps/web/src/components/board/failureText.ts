import type { AssetDto } from '@genbox/contracts';

/** What a teammate reads on a failed card: what happened, what to do, and whether Retry can help. */
export interface FailureText { text: string; retryHelps: boolean }

const ADMIN = 'ask an admin';
const TEXTS: Record<string, FailureText> = {
  provider_network: { text: 'The provider could not be reached. Retry in a moment.', retryHelps: true },
  provider_timeout: { text: 'The provider did not answer in time. Retry in a moment.', retryHelps: true },
  provider_unavailable: { text: 'The provider is having trouble right now. Retry in a moment.', retryHelps: true },
  provider_rate_limited: { text: 'The provider is busy with too many requests. Retry in a minute.', retryHelps: true },
  provider_auth: { text: `The provider refused Genbox's API key. This model needs fixing — ${ADMIN} to check the provider's key.`, retryHelps: false },
  provider_insufficient_credits: { text: `The provider account is out of credits — ${ADMIN} to top it up, then retry.`, retryHelps: false },
  provider_bad_request: { text: 'The provider refused these settings. Change the prompt or settings and run it again (Remix).', retryHelps: false },
  provider_invalid_params: { text: 'The provider refused these settings. Change the prompt or settings and run it again (Remix).', retryHelps: false },
  provider_content_filtered: { text: "The provider's safety filter blocked this. Rephrase the prompt and run it again (Remix).", retryHelps: false },
  provider_not_found: { text: `The provider does not know this model. This model is misconfigured — ${ADMIN}.`, retryHelps: false },
  provider_task_failed: { text: 'The provider ran it and it failed. Retrying often works; if not, change the settings.', retryHelps: true },
  provider_bad_response: { text: `The provider answered in a way Genbox could not read. Retry; if it keeps happening, ${ADMIN}.`, retryHelps: true },
  result_expired: { text: 'The result expired at the provider before it could be saved. Retry.', retryHelps: true },
  result_lost: { text: 'The result was lost before it could be saved. Retry.', retryHelps: true },
  result_too_large: { text: `The result is larger than this install accepts — ${ADMIN} about the size limit.`, retryHelps: false },
  result_unsupported_type: { text: `The provider sent a file type Genbox does not keep — ${ADMIN} to check this model.`, retryHelps: false },
  result_blocked_address: { text: `The result sits at an address this install may not fetch — ${ADMIN} to check the provider's network setting.`, retryHelps: false },
  generation_timeout: { text: 'The provider took too long and the run was given up. Retry, or pick shorter or smaller settings.', retryHelps: true },
  webhook_signature_invalid: { text: `The provider's callback could not be verified — ${ADMIN} to check the webhook secret.`, retryHelps: false },
  missing_input_image: { text: 'The source image is gone. Pick another image and run it again.', retryHelps: false },
  template_invalid: { text: `This model is misconfigured — ${ADMIN}.`, retryHelps: false },
  internal_error: { text: 'Genbox had a problem with this run. Retry.', retryHelps: true },
};
const CANCELED: FailureText = { text: 'Canceled. Retry runs it again with the same settings.', retryHelps: true };
const UNKNOWN: FailureText = { text: `This run failed. Retry; if it keeps failing, ${ADMIN}.`, retryHelps: true };

export function failureText(a: Pick<AssetDto, 'status' | 'error_code'>): FailureText | null {
  if (a.status === 'CANCELED') return CANCELED;
  if (a.status !== 'FAILED') return null;
  return TEXTS[a.error_code ?? ''] ?? UNKNOWN;
}

/** A clip's or a run's length as a person reads it: "4 s", "1:05". */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** How long the run took (queued → finished), or null while it runs. */
export function runSeconds(a: Pick<AssetDto, 'created_at' | 'completed_at' | 'source_type'>): number | null {
  if (a.source_type === 'UPLOADED' || !a.completed_at) return null;
  return Math.max(0, (Date.parse(a.completed_at) - Date.parse(a.created_at)) / 1000);
}

/** The shape a pending generation will have, from its settings ("16:9", "1024x1536"), for its placeholder. */
export function expectedAspect(a: Pick<AssetDto, 'width' | 'height' | 'generation_config'>): { width: number | null; height: number | null } {
  if (a.width && a.height) return { width: a.width, height: a.height };
  const c = a.generation_config ?? {};
  for (const v of [c.aspect_ratio, c.size, c.image_size, c.resolution]) {
    const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)\s*[:x×]\s*(\d+(?:\.\d+)?)$/i.exec(v.trim()) : null;
    if (m) return { width: Number(m[1]), height: Number(m[2]) };
  }
  return { width: null, height: null };
}
