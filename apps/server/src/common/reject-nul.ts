import type { NextFunction, Request, Response } from 'express';

/** Where in a parsed body or query a NUL character sits ("name", "scenes.0.prompt"), or null. */
export function nulPath(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : null;
  if (!value || typeof value !== 'object' || depth > 32) return null;
  for (const [key, v] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return here;
    const found = nulPath(v, here, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * PostgreSQL cannot store a NUL character in text: without this, any text field holding one
 * (a box name, a token name, a search) would end in a 500. Refused up front with a 400 naming it.
 */
export function rejectNul(req: Request, res: Response, next: NextFunction): void {
  const where = nulPath(req.body) ?? nulPath(req.query);
  if (!where) return next();
  res.status(400).json({ statusCode: 400, error: 'validation_failed', message: `${where}: may not contain a NUL character (\\u0000)` });
}
