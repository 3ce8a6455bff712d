/** The services Genbox itself runs on, as opposed to the AI providers it calls. */
export type Dependency = 'postgres' | 'redis' | 'storage';
export const DEPENDENCIES: readonly Dependency[] = ['postgres', 'redis', 'storage'];
export const DEPENDENCY_NAMES: Record<Dependency, string> = { postgres: 'PostgreSQL', redis: 'Redis', storage: 'storage' };

/** Socket errors that mean "the other end is not there (now)". */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
/** PostgreSQL SQLSTATEs of a server going away or not taking connections: class 08, shutdown, starting up, too many connections. */
const PG_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;
const PG_CLIENT_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection due to/i;
const REDIS_MESSAGES = /^Connection is closed|Stream isn't writeable|Reached the max retries per request limit|Redis is loading the dataset|LOADING |READONLY |MASTERDOWN /;

/**
 * Which of our own dependencies an error says is unreachable; `unknown` for a bare socket error
 * whose origin cannot be told; null when it is not an outage at all (a bug, a provider's answer,
 * bad data). Provider and download failures never reach here raw: libs/providers wraps them in
 * ProviderError, so a raw ECONNREFUSED in a job is ours.
 */
export function unavailableDependency(err: unknown): Dependency | 'unknown' | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as { name?: string; code?: unknown; message?: string; severity?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  const message = typeof e.message === 'string' ? e.message : '';
  const code = typeof e.code === 'string' ? e.code : '';
  if (e.name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.test(message)) return 'redis';
  if (e.severity && PG_UNAVAILABLE.test(code)) return 'postgres';
  if (PG_CLIENT_MESSAGES.test(message)) return 'postgres';
  if (e.$metadata) {
    // the AWS SDK's own error after its retries: a 5xx or no answer at all
    const status = e.$metadata.httpStatusCode;
    if (status === undefined ? NETWORK_CODES.has(code) || e.name === 'TimeoutError' : status >= 500) return 'storage';
    return null;
  }
  if (NETWORK_CODES.has(code)) return 'unknown';
  return e.cause && e.cause !== err ? unavailableDependency(e.cause) : null;
}
