import { API, ErrorBody, type RouteSpec } from '@genbox/contracts';
import type { z } from 'zod';

const ROUTES = (Object.entries(API) as [string, RouteSpec][]).map(([name, r]) => ({
  name,
  route: r,
  // trailing slash optional, as Express matches it
  pattern: new RegExp(`^${r.path.replace(/:\w+/g, '[^/]+')}/?$`),
}));

/** The documented operation a request lands on, or null for a path the contract does not know. */
export function operationFor(method: string, url: string): { name: string; route: RouteSpec } | null {
  const path = new URL(url, 'http://x').pathname;
  const hit = ROUTES.find((r) => r.route.method === method.toUpperCase() && r.pattern.test(path));
  return hit ? { name: hit.name, route: hit.route } : null;
}

/**
 * Checks a real answer against the contract (libs/contracts/src/api.ts, the source of /api/docs):
 * the documented success status with a body matching its schema, or an error body. Throws a message
 * naming the route and the mismatch, so any API test fails when the server drifts from its document.
 * Paths the contract does not know are left to the route test (contract.test.ts).
 */
export function checkAnswer(method: string, url: string, status: number, body: unknown, contentType: string | null): void {
  const op = operationFor(method, url);
  if (!op) return;
  const { name, route } = op;
  const fail = (what: string) => {
    throw new Error(`${method} ${url} (${name}) answered ${status} against its documented contract: ${what}`);
  };
  // an answer to HEAD never has a body (RFC 9110 §9.3.2): only its status can be held to the contract
  if (method.toUpperCase() === 'HEAD') {
    if (status >= 400 || status === route.status || route.alsoAnswers?.[status]) return;
    fail(`the documented success status is ${route.status}`);
  }
  const isJson = contentType?.includes('application/json') ?? false;
  const other = route.alsoAnswers?.[status];
  if (other) return check(other, body, fail);
  if (status >= 400) {
    if (!isJson) fail(`an error without a JSON body (${contentType})`);
    return check(ErrorBody, body, fail);
  }
  if (typeof route.response === 'string') {
    if (route.response === 'none' && (status !== route.status || (body !== null && body !== ''))) fail(`expected ${route.status} with no body`);
    return;
  }
  if (status !== route.status) fail(`the documented success status is ${route.status}`);
  if (!isJson) fail(`expected JSON, got ${contentType}`);
  check(route.response, body, fail);
}

function check(schema: z.ZodType, body: unknown, fail: (what: string) => never): void {
  const r = schema.safeParse(body);
  if (!r.success) fail(r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') + ` — body: ${JSON.stringify(body).slice(0, 500)}`);
}
