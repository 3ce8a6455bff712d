import { z } from 'zod';
import type { AssetStatus } from './status.js';

/** Who can make a failed run work: Retry alone, whoever edits the prompt or settings, or an admin. */
export const FAILURE_FIXERS = ['retry', 'editor', 'admin'] as const;

/** What a teammate reads on a failed or canceled card (the provider's raw words are for admins only). */
export const AssetFailure = z
  .strictObject({
    message: z.string().describe('A sentence a teammate can act on, naming who can fix it'),
    fixed_by: z.enum(FAILURE_FIXERS).describe('retry: running it again may well work; editor: change the prompt or settings (Remix); admin: an admin must fix the model or provider first'),
    retry_helps: z.boolean().describe('Whether offering Retry makes sense'),
  })
  .meta({ id: 'AssetFailure' });
export type AssetFailure = z.infer<typeof AssetFailure>;

const ADMIN = 'ask an admin';
const retry = (message: string): AssetFailure => ({ message, fixed_by: 'retry', retry_helps: true });
const editor = (message: string): AssetFailure => ({ message, fixed_by: 'editor', retry_helps: false });
const admin = (message: string, retryHelps = false): AssetFailure => ({ message, fixed_by: 'admin', retry_helps: retryHelps });

const SETTINGS_REFUSED = editor('The provider refused these settings. Change the prompt or settings and run it again (Remix).');
/** By error_code (libs/providers PROVIDER_ERROR_CODES, plus Genbox's own). */
const BY_CODE: Record<string, AssetFailure> = {
  provider_network: retry('The provider could not be reached. Retry in a moment.'),
  provider_timeout: retry('The provider did not answer in time. Retry in a moment.'),
  provider_unavailable: retry('The provider is having trouble right now. Retry in a moment.'),
  provider_rate_limited: retry('The provider is busy with too many requests. Retry in a minute.'),
  provider_auth: admin(`The provider refused Genbox's API key. This model needs fixing — ${ADMIN} to check the provider's key.`),
  provider_insufficient_credits: admin(`The provider account is out of credits — ${ADMIN} to top it up, then retry.`),
  provider_bad_request: SETTINGS_REFUSED,
  provider_invalid_params: SETTINGS_REFUSED,
  provider_content_filtered: editor("The provider's safety filter blocked this. Rephrase the prompt and run it again (Remix)."),
  provider_not_found: admin(`The provider does not know this model. This model is misconfigured — ${ADMIN}.`),
  provider_task_failed: retry('The provider ran it and it failed. Retrying often works; if not, change the settings.'),
  provider_bad_response: admin(`The provider answered in a way Genbox could not read. Retry; if it keeps happening, ${ADMIN}.`, true),
  provider_blocked_address: admin(`The provider's address is one this install may not call — ${ADMIN} to check the provider's network setting.`),
  result_expired: retry('The result expired at the provider before it could be saved. Retry.'),
  result_lost: retry('The result was lost before it could be saved. Retry.'),
  result_too_large: admin(`The result is larger than this install accepts — ${ADMIN} about the size limit.`),
  result_unsupported_type: admin(`The provider sent a file type Genbox does not keep — ${ADMIN} to check this model.`),
  result_too_slow: retry("The provider's file server sent the result too slowly, so Genbox gave up on it. Retry in a moment."),
  result_blocked_address: admin(`The result sits at an address this install may not fetch — ${ADMIN} to check the provider's network setting.`),
  generation_timeout: retry('The provider took too long and the run was given up. Retry, or pick shorter or smaller settings.'),
  webhook_signature_invalid: admin(`The provider's callback could not be verified — ${ADMIN} to check the webhook secret.`),
  missing_input_image: editor('The source image is gone. Pick another image and run it again.'),
  template_invalid: admin(`This model is misconfigured — ${ADMIN}.`),
  stitch_failed: retry('The scenes could not be joined into the film. Retry.'),
  internal_error: retry('Genbox had a problem with this run. Retry.'),
};
const CANCELED = retry('Canceled. Retry runs it again with the same settings.');
const UNKNOWN = admin(`This run failed. Retry; if it keeps failing, ${ADMIN}.`, true);

/** The card's failure sentence for a run, or null when it did not fail or get canceled. */
export function failureOf(status: AssetStatus, errorCode: string | null): AssetFailure | null {
  if (status === 'CANCELED') return CANCELED;
  if (status !== 'FAILED') return null;
  return BY_CODE[errorCode ?? ''] ?? UNKNOWN;
}
