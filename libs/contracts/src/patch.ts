import { z } from 'zod';

/**
 * The body of a PATCH made from a create schema: every field optional and no defaults, so a
 * field the request leaves out stays as it is. (`create.partial()` keeps the defaults: PATCH
 * {"cost": 1} would also reset every defaulted field.) Every PATCH body that mirrors a create
 * body is made with it.
 */
export function patchOf<S extends z.ZodObject>(create: S): z.ZodType<Partial<z.output<S>>, Partial<z.input<S>>> {
  const shape = Object.fromEntries(Object.entries(create.shape).map(([key, field]) => [key, withoutDefault(field as z.ZodType).optional()]));
  return z.object(shape) as unknown as z.ZodType<Partial<z.output<S>>, Partial<z.input<S>>>;
}

function withoutDefault(field: z.ZodType): z.ZodType {
  return field instanceof z.ZodDefault ? withoutDefault(field.unwrap() as z.ZodType) : field;
}
