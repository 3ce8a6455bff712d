import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, loginAdmin } from '../faults/fault-kit.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';

/**
 * A PATCH changes only what it names: each field of each PATCH route is sent alone, and every
 * other column of the row must read the same afterwards. A PATCH route the table does not know
 * fails the last test, so one added later gets its row here.
 */
const template = {
  api_endpoint: '/v1/tasks',
  request_schema: { prompt: '{{prompt}}', image: ['{{image_url}}'], seconds: '{{duration}}' },
  response_mapping: { task_id: 'data.id', poll: { url: '/v1/tasks/{{task_id}}' }, state: 'data.status', result_urls: 'data.urls', states: { done: 'COMPLETED', failed: 'FAILED' } },
  parameters_schema: { duration: { type: 'select', options: [4, 8], default: 4 } },
};

interface Route {
  /** The row as stored (one flat object, columns of joined tables included). */
  read: () => Promise<Record<string, unknown>>;
  path: () => string;
  /** field → [value to send, columns it may change] */
  fields: () => Record<string, [unknown, string[]]>;
}

let gb: TestGenbox;
let admin: UserClient;
let ids: { provider: string; otherProvider: string; model: string; box: string; member: string; storyboard: string; webhook: string };
const row = async (sql: string, params: unknown[]) => (await gb.sql(sql, params))[0] as Record<string, unknown>;

beforeAll(async () => {
  gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
  admin = await loginAdmin(gb);
  const provider = await admin.post('/api/providers', {
    name: 'Full provider', kind: 'template', base_url: 'https://api.example.com', upload_base_url: 'https://upload.example.com', api_key: 'key-one',
    webhook_secret: 'hook-one', extra_headers: { 'x-team': 'a' }, max_concurrency: 7, rate_limit: { requests: 10, per_ms: 1000 }, allow_private_network: false, is_active: true,
  }).ok(201);
  const otherProvider = await admin.post('/api/providers', { name: 'Other provider', kind: 'template', base_url: 'https://other.example.com' }).ok(201);
  const model = await admin.post('/api/models', { provider_id: provider.id, name: 'Clip maker', slug: 'clip-maker', model_type: 'VIDEO', input_type: 'IMAGE', cost: 2, is_active: true, ...template }).ok(201);
  const box = await admin.createBox('Patched box');
  const member = await gb.newUser('member');
  await admin.post(`/api/boxes/${box.id}/members`, { email: member.email, role: 'viewer' }).ok(201);
  const storyboard = await admin.post(`/api/boxes/${box.id}/storyboards`, { prompt: 'A boat sails. It reaches a river.', ai_model_id: (await admin.model('local-video')).id, scenes: 2 }).ok(201);
  const webhook = await admin.post(`/api/boxes/${box.id}/webhooks`, { url: 'https://203.0.114.7/hooks/genbox', events: ['asset.completed'], description: 'first' }).ok(201);
  ids = { provider: provider.id, otherProvider: otherProvider.id, model: model.id, box: box.id, member: member.id, storyboard: storyboard.id, webhook: webhook.id };
});
afterAll(() => gb?.stop());

/** PATCH routes that name no fields: tus appends the request's bytes at `Upload-Offset` (resumable uploads). */
const NOT_FIELD_PATCHES = new Set(['/api/uploads/{id}']);

const ROUTES: Record<string, Route> = {
  '/api/models/{id}': {
    read: () => row('SELECT * FROM ai_models WHERE id = $1', [ids.model]), path: () => `/api/models/${ids.model}`,
    fields: () => ({
      provider_id: [ids.otherProvider, ['provider_id']],
      name: ['Renamed model', ['name']],
      slug: ['renamed-model', ['slug']],
      model_type: ['IMAGE', ['model_type']],
      input_type: ['TEXT', ['input_type']],
      api_endpoint: ['/v2/tasks', ['api_endpoint']],
      request_schema: [{ ...template.request_schema, quality: 'high' }, ['request_schema']],
      response_mapping: [{ ...template.response_mapping, poll: { url: '/v2/tasks/{{task_id}}' } }, ['response_mapping']],
      parameters_schema: [{ duration: { type: 'select', options: [4, 8, 12], default: 8 } }, ['parameters_schema']],
      cost: [1, ['cost']],
      is_active: [false, ['is_active']],
    }),
  },
  '/api/providers/{id}': {
    read: () => row('SELECT * FROM ai_providers WHERE id = $1', [ids.provider]), path: () => `/api/providers/${ids.provider}`,
    fields: () => ({
      name: ['Renamed provider', ['name']],
      kind: ['replicate', ['kind']],
      base_url: ['https://api2.example.com', ['base_url']],
      upload_base_url: ['https://upload2.example.com', ['upload_base_url']],
      api_key: ['key-two', ['api_key_encrypted']],
      webhook_secret: ['hook-two', ['webhook_secret_encrypted']],
      extra_headers: [{ 'x-team': 'b' }, ['extra_headers']],
      max_concurrency: [3, ['max_concurrency']],
      rate_limit: [{ requests: 20, per_ms: 2000 }, ['rate_limit']],
      allow_private_network: [true, ['allow_private_network']],
      is_active: [false, ['is_active']],
    }),
  },
  '/api/boxes/{id}': {
    read: () => row('SELECT * FROM boxes WHERE id = $1', [ids.box]), path: () => `/api/boxes/${ids.box}`,
    fields: () => ({ name: ['Renamed box', ['name', 'event_seq']] }),
  },
  '/api/boxes/{id}/members/{userId}': {
    read: () => row('SELECT * FROM box_members WHERE box_id = $1 AND user_id = $2', [ids.box, ids.member]), path: () => `/api/boxes/${ids.box}/members/${ids.member}`,
    fields: () => ({ role: ['editor', ['role']] }),
  },
  '/api/boxes/{id}/webhooks/{wid}': {
    read: () => row('SELECT * FROM webhook_endpoints WHERE id = $1', [ids.webhook]), path: () => `/api/boxes/${ids.box}/webhooks/${ids.webhook}`,
    fields: () => ({
      url: ['https://203.0.114.8/hooks/other', ['url']],
      events: [['asset.failed', 'asset.completed'], ['events']],
      description: ['second', ['description']],
      allow_private_network: [true, ['allow_private_network']],
      is_active: [false, ['is_active', 'disabled_reason', 'disabled_at']],
    }),
  },
  '/api/storyboards/{id}': {
    read: () => row(`SELECT s.*, (SELECT json_agg(prompt ORDER BY index) FROM storyboard_scenes WHERE storyboard_id = s.id) AS scene_prompts FROM storyboards s WHERE s.id = $1`, [ids.storyboard]),
    path: () => `/api/storyboards/${ids.storyboard}`,
    fields: () => ({ prompt: ['A boat sails at night.', ['prompt']], scenes: [[{ prompt: 'The boat leaves.' }, { prompt: 'The boat arrives.' }], ['scene_prompts']] }),
  },
};

describe('a PATCH changes only what it names', () => {
  for (const [route, r] of Object.entries(ROUTES)) {
    it(`PATCH ${route}: each field alone leaves every other column as it was`, async () => {
      for (const [field, [value, changes]] of Object.entries(r.fields())) {
        const before = await r.read();
        await admin.patch(r.path(), { [field]: value }).ok();
        const after = await r.read();
        for (const column of Object.keys(before)) {
          if (changes.includes(column) || column === 'updated_at') continue;
          expect(after[column], `PATCH {${field}} changed ${column}`).toEqual(before[column]);
        }
        expect(changes.some((c) => JSON.stringify(after[c]) !== JSON.stringify(before[c])), `PATCH {${field}} changed nothing`).toBe(true);
      }
    });
  }

  it('an empty PATCH changes nothing', async () => {
    const before = await gb.sql('SELECT * FROM ai_models WHERE id = $1', [ids.model]);
    await admin.patch(`/api/models/${ids.model}`, {}).ok();
    const after = await gb.sql('SELECT * FROM ai_models WHERE id = $1', [ids.model]);
    expect({ ...after[0], updated_at: null }).toEqual({ ...before[0], updated_at: null });
  });

  it('every PATCH route of the API document is in this table', async () => {
    const doc = await gb.client.get('/api/docs/openapi.json').ok();
    const patchRoutes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).filter(([, ops]) => ops.patch).map(([path]) => path);
    expect(patchRoutes.filter((p) => !ROUTES[p] && !NOT_FIELD_PATCHES.has(p)), 'add a row to ROUTES for each new PATCH route').toEqual([]);
  });
});
