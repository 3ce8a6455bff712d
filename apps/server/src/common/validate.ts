import { z } from 'zod';
import { AppError } from './app-error.js';

/** Parses a request body or query with zod; the 400 names every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const parts = r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  throw new AppError('validation_failed', parts.join('; '));
}

/**
 * The schema of a PATCH made from a create schema: every field optional and no defaults, so a
 * field the request leaves out stays as it is. (`create.partial()` keeps the defaults: PATCH
 * {"cost": 1} would also reset every defaulted field.) Use it for every PATCH route.
 */
export function patchSchema<S extends z.ZodObject>(create: S): z.ZodType<Partial<z.output<S>>, Partial<z.input<S>>> {
  const shape = Object.fromEntries(Object.entries(create.shape).map(([key, field]) => [key, withoutDefault(field as z.ZodType).optional()]));
  return z.object(shape) as unknown as z.ZodType<Partial<z.output<S>>, Partial<z.input<S>>>;
}

function withoutDefault(field: z.ZodType): z.ZodType {
  return field instanceof z.ZodDefault ? withoutDefault(field.unwrap() as z.ZodType) : field;
}
