import { z } from 'zod';

/** `GET /api/health`, `/live`, `/ready`: open to anyone, so only up or down. */
export const HealthDto = z.strictObject({ status: z.enum(['ok', 'unavailable']) }).meta({ id: 'Health' });
export type HealthDto = z.infer<typeof HealthDto>;

const Probe = z.strictObject({ ok: z.boolean(), ms: z.number().describe('How long the probe took'), error: z.string().optional().describe('Why it failed (names hosts and paths)') });

/** `GET /api/health/details` (admins): each dependency's answer, its time and its error. */
export const HealthDetailsDto = z
  .strictObject({ status: z.enum(['ok', 'unavailable']), draining: z.boolean().describe('The node is shutting down'), postgres: Probe, redis: Probe, storage: Probe })
  .meta({ id: 'HealthDetails' });
export type HealthDetailsDto = z.infer<typeof HealthDetailsDto>;
