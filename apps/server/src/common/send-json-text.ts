import type { Response } from 'express';

/**
 * Sends JSON that is already text (built by PostgreSQL, say) with the headers Express's res.json
 * gives, without parsing and stringifying it again.
 */
export function sendJsonText(res: Response, body: string): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
