/** Body of every error answer of the API. */
export interface ErrorBody {
  statusCode: number;
  /** Stable machine code (see ERROR_CODES); the web switches on it. */
  error: string;
  /** A sentence a person can act on, naming the field or the problem. */
  message: string;
}

export const ERROR_CODES = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  insufficient_credits: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  asset_wrong_state: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_parameters: 422,
  rate_limited: 429,
  internal: 500,
  /** The planner's language model failed or answered something unusable. */
  planner_failed: 502,
  service_unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;
