import { ProviderError } from '@genbox/providers';
import { describe, expect, it } from 'vitest';
import { unavailableDependency } from '../src/common/dependency-errors.js';

const err = (message: string, fields: Record<string, unknown> = {}) => Object.assign(new Error(message), fields);

/** Which errors a job waits out (our own PostgreSQL, Redis or storage gone) and which count as a try. */
describe('telling an outage of our own from any other error', () => {
  const cases: [string, unknown, ReturnType<typeof unavailableDependency>][] = [
    ['PostgreSQL cutting connections at a fast shutdown', err('terminating connection due to administrator command', { code: '57P01', severity: 'FATAL' }), 'postgres'],
    ['PostgreSQL still starting', err('the database system is starting up', { code: '57P03', severity: 'FATAL' }), 'postgres'],
    ['pg losing its socket', err('Connection terminated unexpectedly'), 'postgres'],
    ['a refused connection, origin unknown', err('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }), 'unknown'],
    ['ioredis giving up on a command', err('Reached the max retries per request limit (which is 20).', { name: 'MaxRetriesPerRequestError' }), 'redis'],
    ['ioredis with its connection closed', err('Connection is closed.'), 'redis'],
    ['S3 answering 503', err('Service Unavailable', { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }), 'storage'],
    ['S3 not answering', err('connect ECONNREFUSED 127.0.0.1:9000', { code: 'ECONNREFUSED', $metadata: {} }), 'storage'],
    ['a wrapped cause', err('query failed', { cause: err('Connection terminated unexpectedly') }), 'postgres'],
    ['S3 saying the key is missing', err('NoSuchKey', { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }), null],
    ['a unique violation', err('duplicate key value violates unique constraint', { code: '23505', severity: 'ERROR' }), null],
    ["a provider's network failure (it has its own tries)", new ProviderError('provider_network', 'Could not reach Kie.ai', {}), null],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')"), null],
    ['not an error at all', 'boom', null],
  ];
  for (const [what, error, expected] of cases) {
    it(`${what}: ${expected ?? 'not an outage'}`, () => expect(unavailableDependency(error)).toBe(expected));
  }
});
