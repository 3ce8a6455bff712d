import { z } from 'zod';

/**
 * Body of every error answer of the API. Loose: an error may add context a client can use
 * (a 402 carries the balance and the cost), but these three are always there.
 */
export const ErrorBody = z
  .looseObject({
    statusCode: z.number().int().describe('The HTTP status, repeated'),
    error: z.string().describe('Stable machine code (see ERROR_CODES); clients switch on it'),
    message: z.string().describe('A sentence a person can act on, naming the field or the problem'),
  })
  .meta({ id: 'ErrorBody', examples: [{ statusCode: 400, error: 'validation_failed', message: 'prompt: is required' }] });
export type ErrorBody = z.infer<typeof ErrorBody>;

export const ERROR_CODES = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  insufficient_credits: 402,
  forbidden: 403,
  /** The token lacks a scope the route needs (the message names it), or is limited to other boxes. */
  missing_scope: 403,
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
