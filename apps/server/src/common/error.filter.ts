import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ErrorBody } from '@genbox/contracts';
import type { Response } from 'express';
import { AppError } from './app-error.js';
import { DEPENDENCY_NAMES, unavailableDependency } from './dependency-errors.js';
import { RateLimitedError } from './rate-limiter.js';

const HTTP_CODES: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'bad_request', 413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'rate_limited' };

/** Writes every error as {statusCode, error, message}; unexpected ones are logged and answered with a plain 500. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(err: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(err, this.logger);
    if (res.headersSent) return void res.end();
    if (body.statusCode === 503) res.setHeader('Retry-After', '5');
    if (err instanceof RateLimitedError) res.setHeader('Retry-After', String(Math.max(1, err.retryAfterS)));
    res.status(body.statusCode).json(body);
  }
}

export function toErrorBody(err: unknown, logger?: Logger): ErrorBody {
  if (err instanceof AppError) return err.toBody();
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const r = err.getResponse();
    const message = typeof r === 'string' ? r : Array.isArray((r as { message?: unknown }).message) ? ((r as { message: string[] }).message).join('; ') : String((r as { message?: unknown }).message ?? err.message);
    return { statusCode: status, error: HTTP_CODES[status] ?? (status >= 500 ? 'internal' : 'bad_request'), message };
  }
  // body-parser errors carry a status and a type
  const e = err as { status?: number; type?: string; message?: string };
  if (e?.type === 'entity.parse.failed') return { statusCode: 400, error: 'bad_request', message: 'The request body is not valid JSON' };
  if (e?.type === 'entity.too.large') return { statusCode: 413, error: 'payload_too_large', message: 'The request body is too large' };
  // our own PostgreSQL, Redis or storage gone for a moment: a retry soon will do (the log says which, and why)
  const dependency = unavailableDependency(err);
  if (dependency) {
    logger?.warn(`${dependency === 'unknown' ? 'a dependency' : DEPENDENCY_NAMES[dependency]} is unreachable: ${(err as Error).message}`);
    return { statusCode: 503, error: 'service_unavailable', message: 'Genbox cannot reach its database, queue or storage right now: try again in a few seconds' };
  }
  logger?.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return { statusCode: 500, error: 'internal', message: 'Internal server error' };
}
