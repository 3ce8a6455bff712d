import { z } from 'zod';

/**
 * For the browser, whose Content-Security-Policy has no 'unsafe-eval': zod compiles object
 * parsers with `new Function` when it may, and even its probe for that is reported as a policy
 * violation. Call once before anything is parsed.
 */
export function validateWithoutEval(): void {
  z.config({ jitless: true });
}
