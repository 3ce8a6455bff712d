/** Every way a provider call can fail, each with a fixed retry policy. */
export const PROVIDER_ERROR_CODES = {
  provider_network: 'retry',
  provider_timeout: 'retry',
  provider_unavailable: 'retry', // 5xx
  provider_rate_limited: 'retry', // 429, honours Retry-After
  provider_auth: 'permanent', // 401/403: wrong key
  provider_insufficient_credits: 'permanent',
  provider_bad_request: 'permanent', // other 4xx
  provider_invalid_params: 'permanent',
  provider_content_filtered: 'permanent',
  provider_not_found: 'permanent',
  provider_task_failed: 'permanent', // the provider ran the task and it failed
  provider_bad_response: 'permanent', // an answer we cannot read
  result_expired: 'permanent',
  result_too_large: 'permanent',
  result_unsupported_type: 'permanent',
  result_blocked_address: 'permanent',
  result_too_slow: 'permanent', // past its deadline or under the minimum pace: a second try would hold a worker slot as long
  provider_blocked_address: 'permanent', // the provider's URL is a private or internal address
  generation_timeout: 'permanent',
  webhook_signature_invalid: 'permanent',
  missing_input_image: 'permanent',
  template_invalid: 'permanent',
} as const;
export type ProviderErrorCode = keyof typeof PROVIDER_ERROR_CODES;

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    /** false: fail now; otherwise retry, after `afterMs` when the provider said so. */
    readonly retry: false | { afterMs?: number } = PROVIDER_ERROR_CODES[code] === 'retry' ? {} : false,
  ) {
    super(message);
  }
}

export const isRetryable = (e: unknown): boolean => e instanceof ProviderError && e.retry !== false;
