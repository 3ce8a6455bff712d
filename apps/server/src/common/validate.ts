import type { z } from 'zod';
import { AppError } from './app-error.js';

/** Parses a request body or query with zod; the 400 names every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const parts = r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  throw new AppError('validation_failed', parts.join('; '));
}

