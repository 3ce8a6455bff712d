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
