import { z } from 'zod';

const Check = z.strictObject({ ok: z.boolean(), error: z.string().optional(), ms: z.number() });

/** `GET /api/health`: 200 when database, Redis and storage answer, 503 (same shape) naming the one that does not. */
export const HealthDto = z
  .looseObject({
    status: z.enum(['ok', 'degraded']),
    database: Check.optional(),
    redis: Check.optional(),
    storage: Check.extend({ driver: z.string() }).optional(),
  })
  .meta({ id: 'Health' });
export type HealthDto = z.infer<typeof HealthDto>;
