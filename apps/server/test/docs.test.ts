import { API, type RouteSpec } from '@genbox/contracts';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, startTestGenbox } from './harness.js';

let gb: TestGenbox;
beforeAll(async () => {
  gb = await startTestGenbox();
});
afterAll(() => gb?.stop());

describe('API documentation at /api/docs', () => {
  it('describes every route with the same request schemas the server enforces', async () => {
    const doc = await gb.client.get('/api/docs/openapi.json').ok();
    expect(doc.openapi).toMatch(/^3\./);
    const generate = doc.paths['/api/boxes/{id}/generate'].post;
    expect(generate.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['prompt', 'ai_model_id']));
    expect(generate.requestBody.content['application/json'].schema.properties.count).toMatchObject({ minimum: 1, maximum: 8 });
    expect(doc.paths['/api/boxes/{id}/upload'].post.requestBody.content).toHaveProperty('multipart/form-data');
    expect(doc.paths['/api/health'].get.security).toEqual([]);
  });

  it('shows example answers of the main resources (asset, box, token, storyboard), each valid against the schema it documents', async () => {
    const doc = await gb.client.get('/api/docs/openapi.json').ok();
    const exampleOf = (name: keyof typeof API) => {
      const r = API[name] as RouteSpec;
      return doc.paths[r.path.replace(/:(\w+)/g, '{$1}')][r.method.toLowerCase()].responses[String(r.status)].content?.['application/json']?.example;
    };
    const wanted = ['getAsset', 'listAssets', 'getBox', 'listBoxes', 'createBox', 'listTokens', 'createToken', 'getStoryboard', 'listStoryboards', 'createStoryboard'] as const;
    for (const name of wanted) expect(exampleOf(name), name).toBeDefined();
    expect(exampleOf('getAsset')).toMatchObject({ status: 'COMPLETED', file_url: expect.stringContaining('/file?') });
    expect(exampleOf('listTokens').items[0]).toMatchObject({ kind: 'api', scopes: ['read', 'write'] });
    expect(exampleOf('createToken').token).toMatch(/^gbt_/);
    // every example the document shows, not only these, is an answer the contract accepts
    let checked = 0;
    for (const name of Object.keys(API) as (keyof typeof API)[]) {
      const example = exampleOf(name);
      const schema = (API[name] as RouteSpec).response;
      if (example === undefined || typeof schema === 'string') continue;
      const parsed = (schema as z.ZodType).safeParse(example);
      expect(parsed.success, `${name}: ${parsed.error?.message}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(wanted.length);
  });

  it('serves a browsable page whose scripts come from this server', async () => {
    const page = await fetch(`${gb.url}/api/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    const script = /src="([^"]+swagger-ui-bundle\.js)"/.exec(html)![1]!;
    expect(script.startsWith('/api/docs/ui/')).toBe(true);
    const js = await fetch(gb.url + script);
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(100_000);
  });
});
