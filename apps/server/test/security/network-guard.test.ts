import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, loginAdmin } from '../faults/fault-kit.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';

/** A template provider's answer: a finished image at once (never reached when the guard works). */
const syncTemplate = {
  model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: '/v1/generate',
  request_schema: { prompt: '{{prompt}}' },
  response_mapping: { mode: 'sync', result_urls: 'urls' },
};

describe('provider calls obey the network guard', () => {
  let gb: TestGenbox;
  let admin: UserClient;
  const heard: string[] = [];
  const target = createServer((req, res) => {
    heard.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ urls: [], secret: 'instance-role-credentials' }));
  });
  let targetUrl = '';

  beforeAll(async () => {
    gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
    admin = await loginAdmin(gb);
    targetUrl = await new Promise((r) => target.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(target.address() as AddressInfo).port}`)));
  });
  afterAll(async () => {
    await new Promise((r) => target.close(r));
    await gb?.stop();
  });

  async function generateOn(providerBody: Record<string, unknown>, slug: string, apiEndpoint?: string) {
    const provider = await admin.post('/api/providers', { name: `${slug} provider`, kind: 'template', ...providerBody }).ok(201);
    const model = await admin.post('/api/models', { provider_id: provider.id, name: slug, slug, ...syncTemplate, ...(apiEndpoint ? { api_endpoint: apiEndpoint } : {}) }).ok(201);
    const box = await admin.createBox(slug);
    const asset = await admin.post(`/api/boxes/${box.id}/generate`, { prompt: 'a lighthouse', ai_model_id: model.id }).ok(202);
    return admin.settled(asset.id);
  }

  it('a template provider aimed at 127.0.0.1 without allow_private_network fails with a clear reason, and the target receives nothing', async () => {
    const failed = await generateOn({ base_url: targetUrl }, 'aimed-at-loopback');
    expect(failed.status).toBe('FAILED');
    expect(failed.error_code).toBe('provider_blocked_address');
    expect(failed.error_message).toMatch(/private or internal addresses/);
    expect(failed.error_message).toMatch(/allow_private_network/);
    expect(failed.error_message).not.toContain('instance-role-credentials');
    expect(heard).toEqual([]);
  });

  it('an api_endpoint pointing at the cloud metadata address is refused the same way', async () => {
    const failed = await generateOn({ base_url: 'https://api.example.com' }, 'aimed-at-metadata', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/');
    expect(failed.status).toBe('FAILED');
    expect(failed.error_code).toBe('provider_blocked_address');
  });

  it('the same provider with allow_private_network reaches it (as simulators in tests do)', async () => {
    const reached = await generateOn({ base_url: targetUrl, allow_private_network: true }, 'private-allowed');
    expect(heard).toEqual(['POST /v1/generate']);
    // it answered no result URL: the failure is the provider's, not the guard's
    expect(reached.error_code).not.toBe('provider_blocked_address');
  });
});
