import { loadCatalog } from '@genbox/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelRowProblems } from '../../src/providers/model-row-check.js';
import { ADMIN, loginAdmin } from '../faults/fault-kit.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';


const asyncTemplate = {
  api_endpoint: '/v1/tasks',
  request_schema: { prompt: '{{prompt}}', image: ['{{image_url}}'], seconds: '{{duration}}' },
  response_mapping: { task_id: 'data.id', poll: { url: '/v1/tasks/{{task_id}}' }, state: 'data.status', result_urls: 'data.urls', states: { done: 'COMPLETED', failed: 'FAILED' } },
  parameters_schema: { duration: { type: 'select', options: [4, 8], default: 4 } },
};

describe('a model row is checked before any generation uses it', () => {
  it('every model of the catalog passes, as its provider would run it', () => {
    const catalog = loadCatalog();
    for (const m of catalog.models) {
      const kind = catalog.providers.find((p) => p.key === m.provider)!.kind;
      expect(modelRowProblems(kind, m), m.slug).toEqual([]);
    }
  });

  it.each([
    ['a placeholder that nothing fills', { ...asyncTemplate, request_schema: { prompt: '{{prompt}}', size: '{{resolution}}' } }, /request_schema: \{\{resolution\}\}/],
    ['an async mapping without a poll URL', { ...asyncTemplate, response_mapping: { task_id: 'data.id' } }, /response_mapping: .*poll/],
    ['a state mapped to no status', { ...asyncTemplate, response_mapping: { ...asyncTemplate.response_mapping, states: { done: 'FINISHED' } } }, /response_mapping: .*states\.done/],
    ['no URL to send to', { ...asyncTemplate, api_endpoint: null }, /api_endpoint: /],
    ['a condition on a parameter that does not exist', { ...asyncTemplate, parameters_schema: { ...asyncTemplate.parameters_schema, music: { type: 'boolean', default: false, only_when: { length: 4 } } } }, /parameters_schema\.music: /],
  ])('a template row with %s is refused, naming the field', (_what, row, problem) => {
    expect(modelRowProblems('template', row).join('\n')).toMatch(problem);
  });

  it('a native provider fills its own request: only the parameters and the endpoint\'s shape are checked', () => {
    expect(modelRowProblems('replicate', { api_endpoint: 'owner/name', request_schema: { anything: '{{whatever}}' }, parameters_schema: {} })).toEqual([]);
    expect(modelRowProblems('replicate', { api_endpoint: 'owner/name', parameters_schema: { seed: { type: 'select', options: [] } } })).not.toEqual([]);
  });

  it.each([
    ['replicate', null, /^api_endpoint: Replicate needs the model as "owner\/name"/],
    ['replicate', 'flux schnell', /^api_endpoint: Replicate needs .*\(got "flux schnell"\)/],
    ['fal', 'flux', /^api_endpoint: fal needs the model id, e\.g\. fal-ai\/flux\/dev/],
    ['kie', '', /^api_endpoint: Kie\.ai needs a model name/],
    ['kie', '/api/v1/nothing/here', /^api_endpoint: .*no API at "\/api\/v1\/nothing\/here"/],
    ['runware', null, /^api_endpoint: Runware needs the model's AIR id/],
    ['template', null, /^api_endpoint: a template model needs the URL/],
  ] as const)('a %s model with api_endpoint %j cannot run, and the problem names the field', (kind, endpoint, problem) => {
    expect(modelRowProblems(kind, { api_endpoint: endpoint, parameters_schema: {}, response_mapping: asyncTemplate.response_mapping })[0]).toMatch(problem);
  });

  it.each([['replicate', 'black-forest-labs/flux-schnell'], ['fal', 'fal-ai/flux/dev'], ['kie', 'bytedance/seedance-1.5-pro'], ['kie', '/api/v1/veo/generate'], ['runware', 'runware:101@1'], ['openai', null], ['stability', null], ['local', null]] as const)(
    'a %s model with api_endpoint %j passes', (kind, endpoint) => {
      expect(modelRowProblems(kind, { api_endpoint: endpoint, parameters_schema: {} })).toEqual([]);
    });
});

describe('the admin API refuses an unusable model and keeps nothing of it', () => {
  let gb: TestGenbox;
  let admin: UserClient;
  let providerId: string;

  beforeAll(async () => {
    gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
    admin = await loginAdmin(gb);
    providerId = (await admin.post('/api/providers', { name: 'Any REST', kind: 'template', base_url: 'https://api.example.com' }).ok(201)).id;
  });
  afterAll(() => gb?.stop());

  it('on create and on update, with a 400 that says what to fix', async () => {
    const base = { provider_id: providerId, name: 'Clip maker', slug: 'clip-maker', model_type: 'VIDEO', input_type: 'IMAGE', ...asyncTemplate };
    const refused = await admin.post('/api/models', { ...base, request_schema: { prompt: '{{prompt}}', size: '{{resolution}}' } });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/request_schema: \{\{resolution\}\}/);
    expect(await gb.sql("SELECT 1 FROM ai_models WHERE slug = 'clip-maker'")).toEqual([]);

    const made = await admin.post('/api/models', base).ok(201);
    const broken = await admin.patch(`/api/models/${made.id}`, { response_mapping: { task_id: 'data.id' } });
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/response_mapping: /);
    const [row] = await gb.sql("SELECT response_mapping FROM ai_models WHERE slug = 'clip-maker'");
    expect(row.response_mapping).toEqual(asyncTemplate.response_mapping);
  });

  it('a Replicate model without the "owner/name" it runs by is refused on save, and clearing it later is refused too', async () => {
    const replicate = (await admin.post('/api/providers', { name: 'Replicate here', kind: 'replicate', base_url: 'https://api.replicate.com/v1' }).ok(201)).id;
    const base = { provider_id: replicate, name: 'Flux', slug: 'flux-here', model_type: 'IMAGE', input_type: 'TEXT', parameters_schema: {} };
    const refused = await admin.post('/api/models', base);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ statusCode: 400, error: 'validation_failed' });
    expect(refused.body.message).toMatch(/^api_endpoint: Replicate needs the model as "owner\/name"/);
    expect(await gb.sql("SELECT 1 FROM ai_models WHERE slug = 'flux-here'")).toEqual([]);

    const made = await admin.post('/api/models', { ...base, api_endpoint: 'black-forest-labs/flux-schnell' }).ok(201);
    const cleared = await admin.patch(`/api/models/${made.id}`, { api_endpoint: '' });
    expect(cleared.status).toBe(400);
    expect(cleared.body.message).toMatch(/^api_endpoint: /);
    const [row] = await gb.sql("SELECT api_endpoint FROM ai_models WHERE slug = 'flux-here'");
    expect(row.api_endpoint).toBe('black-forest-labs/flux-schnell');
  });
});
