import { API, type RouteSpec } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApi } from '../src/docs/openapi.js';
import { checkAnswer } from './contract-check.js';
import { type TestGenbox, startTestGenbox } from './harness.js';

let gb: TestGenbox;
beforeAll(async () => {
  gb = await startTestGenbox();
});
afterAll(() => gb?.stop());

interface Layer { route?: { path: string | string[]; methods: Record<string, boolean> } }

/** `GET /api/boxes/:id` for every route Nest registered on Express, whatever module it lives in. */
function registeredRoutes(): string[] {
  const express = gb.app.getHttpAdapter().getInstance() as unknown as { router: { stack: Layer[] } };
  return express.router.stack.flatMap((layer) => {
    // Nest mounts its not-found handler on prefix-excluded paths (/metrics) for every method: not an operation
    if (!layer.route || Object.keys(layer.route.methods).length > 10) return [];
    // Nest registers string paths; a RegExp is the board's page fallback (serve-web), not an API route
    const paths = (Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path]).filter((p) => typeof p === 'string');
    return Object.keys(layer.route.methods).filter((m) => m !== '_all').flatMap((m) => paths.map((p) => `${m.toUpperCase()} ${p}`));
  });
}

describe('one contract: the routes, the document and the answers agree', () => {
  it('every route the server registers is in the API document, and the document names no route the server lacks', async () => {
    const registered = registeredRoutes();
    expect(registered.length).toBeGreaterThan(30);
    const doc = await gb.client.get('/api/docs/openapi.json').ok();
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const missing = registered.filter((r) => !documented.includes(r));
    expect(missing, `routes missing from libs/contracts/src/api.ts (and so from /api/docs): ${missing.join(', ')}`).toEqual([]);
    const stale = documented.filter((d) => !registered.includes(d));
    expect(stale, `documented routes the server does not have: ${stale.join(', ')}`).toEqual([]);
  });

  it('the served document is the one built from the contract, with request and response schemas and error bodies', async () => {
    const doc = await gb.client.get('/api/docs/openapi.json').ok();
    expect(doc).toEqual(buildOpenApi(gb.env.PUBLIC_URL!));
    const generate = doc.paths['/api/boxes/{id}/generate'].post;
    expect(generate.requestBody.content['application/json'].schema.properties.count).toMatchObject({ minimum: 1, maximum: 8 });
    expect(generate.requestBody.content['application/json'].example.prompt).toBeTruthy();
    expect(generate.responses['202'].content['application/json'].schema.anyOf[0]).toEqual({ $ref: '#/components/schemas/Asset' });
    expect(generate.responses.default.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorBody' });
    expect(doc.components.schemas.Asset.required).toEqual(expect.arrayContaining(['id', 'status', 'file_url', 'provider_state']));
    expect(doc.components.schemas.ErrorBody.required).toEqual(['statusCode', 'error', 'message']);
    // every reference resolves
    for (const [, id] of JSON.stringify(doc).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) expect(doc.components.schemas).toHaveProperty([id!]);
    // operation ids are the client's method names
    expect(Object.keys(API)).toContain(doc.paths['/api/boxes/{id}/assets'].get.operationId);
  });

  it('an answer that drifts from its documented schema fails the test that saw it', () => {
    const box = { id: 'b', name: 'B', owner_id: 'u', role: 'owner', seq: 1, paused: false, created_at: 'x', updated_at: 'x' };
    expect(() => checkAnswer('GET', '/api/boxes/b', 200, box, 'application/json')).not.toThrow();
    expect(() => checkAnswer('GET', '/api/boxes/b', 200, { ...box, secret_field: 1 }, 'application/json')).toThrow(/getBox.*secret_field/);
    expect(() => checkAnswer('GET', '/api/boxes/b', 200, { ...box, seq: '1' }, 'application/json')).toThrow(/seq/);
    expect(() => checkAnswer('POST', '/api/boxes', 200, box, 'application/json')).toThrow(/documented success status is 201/);
    expect(() => checkAnswer('GET', '/api/boxes/b', 404, { message: 'no' }, 'application/json')).toThrow(/statusCode/);
  });

  it('every operation has a summary, a tag and a success status', () => {
    for (const [name, r] of Object.entries(API) as [string, RouteSpec][]) {
      expect(r.summary, name).toBeTruthy();
      expect(r.tag, name).toBeTruthy();
      expect(r.status, name).toBeGreaterThanOrEqual(200);
    }
  });
});
