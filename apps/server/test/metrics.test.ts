import { rm } from 'node:fs/promises';
import type { AssetDto, BoxDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAISimulator, startOpenAISimulator } from '../../../test/simulators/openai.sim.js';
import { type TestGenbox, UserClient, insertAsset, startTestGenbox } from './harness.js';

const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
const KEY = 'sk-metrics-test-5678';
const METRICS_TOKEN = 'scrape-me-0123456789';

interface Sample { name: string; labels: Record<string, string>; value: number }

/** A small parser of the Prometheus text format: every line is a comment or a well-formed sample. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  const typed = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|summary|histogram|untyped)$/.exec(line);
    if (type) typed.add(type[1]!);
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const rest = body.replace(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g, (_, k: string, v: string) => {
      labels[k] = v.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      return '';
    });
    if (rest) throw new Error(`bad labels in: ${line}`);
    // values are Go floats: NaN and ±Inf in any case
    const raw = m[3]!.toLowerCase();
    const value = raw === 'nan' ? NaN : /^[+-]?inf$/.test(raw) ? (raw.startsWith('-') ? -Infinity : Infinity) : Number(raw);
    if (raw !== 'nan' && Number.isNaN(value)) throw new Error(`bad value in: ${line}`);
    const family = m[1]!.replace(/_(sum|count|bucket)$/, '');
    if (!typed.has(m[1]!) && !typed.has(family)) throw new Error(`sample before its # TYPE: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return samples;
}

/** The value of the one sample with this name whose labels include `labels`. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

describe('Prometheus /metrics', () => {
  let api: TestGenbox;
  let worker: TestGenbox | undefined;
  let sim: OpenAISimulator;
  let admin: UserClient;
  let alice: UserClient;
  let box: BoxDto;
  let simModel: { id: string };
  let replicateModel: { id: string };

  const scrape = async () => {
    const res = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    return parseExposition(await res.text());
  };

  beforeAll(async () => {
    // an API node with no worker: queued generations wait until one starts
    [api, sim] = await Promise.all([
      startTestGenbox({ ROLE: 'api', METRICS_TOKEN, GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }),
      startOpenAISimulator({ apiKey: KEY }),
    ]);
    const login = await api.client.post('/api/auth/login', ADMIN).ok();
    admin = new UserClient(api.url, login.token, login.user.id, ADMIN.email, 'admin');
    const openai = await admin.post('/api/providers', { name: 'OpenAI sim', kind: 'openai', base_url: sim.apiUrl, api_key: KEY, allow_private_network: true }).ok(201);
    simModel = await admin.post('/api/models', { provider_id: openai.id, name: 'Sim image', slug: 'sim-image', model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'gpt-image-1' }).ok(201);
    const replicate = await admin.post('/api/providers', {
      name: 'Replicate', kind: 'replicate', base_url: 'http://127.0.0.1:9/v1', api_key: 'r8_metrics', webhook_secret: `whsec_${Buffer.from('a webhook secret of 32 bytes....').toString('base64')}`, allow_private_network: true,
    }).ok(201);
    replicateModel = await admin.post('/api/models', { provider_id: replicate.id, name: 'Flux', slug: 'rep-flux', model_type: 'IMAGE', input_type: 'TEXT', api_endpoint: 'black-forest-labs/flux-schnell' }).ok(201);
    alice = await api.newUser('alice');
    box = await alice.createBox('Metered');
  });
  afterAll(async () => {
    if (worker) {
      await worker.close();
      await rm(worker.dataDir, { recursive: true, force: true });
    }
    await api?.stop();
    await sim?.close();
  });

  it('needs the METRICS_TOKEN when one is set, and lives outside /api', async () => {
    expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${api.url}/metrics`, { headers: { authorization: 'Bearer scrape-me-wrong-value' } })).status).toBe(401);
    expect((await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${alice.token}` } })).status).toBe(401);
    const ok = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}`, accept: 'text/html,*/*' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseExposition(await ok.text());
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect((await fetch(`${api.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);
  });

  it('generations waiting for a worker show as queue depth and pending work, then as completed and failed runs by model', async () => {
    const local = await alice.model('local-image');
    const { items } = await alice.post(`/api/boxes/${box.id}/generate`, { prompt: 'queued', ai_model_id: local.id, count: 2 }).ok(202);
    const queued = await scrape();
    expect(valueOf(queued, 'genbox_queue_jobs', { queue: 'generation', state: 'waiting' })).toBe(2);
    expect(valueOf(queued, 'genbox_queue_jobs', { queue: 'generation', state: 'active' })).toBe(0);
    expect(valueOf(queued, 'genbox_generations_in_flight', { model: 'local-image', status: 'pending' })).toBe(2);
    expect(valueOf(queued, 'genbox_generations_finished', { model: 'local-image', outcome: 'completed' })).toBeUndefined();

    // a worker on the same database, Redis prefix and storage takes the jobs
    worker = await startTestGenbox({ ROLE: 'worker', DATABASE_URL: api.env.DATABASE_URL!, REDIS_PREFIX: api.env.REDIS_PREFIX!, DATA_DIR: api.dataDir, APP_SECRET: api.env.APP_SECRET!, PUBLIC_URL: api.env.PUBLIC_URL! });
    expect((await Promise.all((items as AssetDto[]).map((a) => alice.settled(a.id)))).map((a) => a.status)).toEqual(['COMPLETED', 'COMPLETED']);
    sim.queueScript({ steps: [], outcome: 'filtered' });
    const failed = await alice.settled((await alice.post(`/api/boxes/${box.id}/generate`, { prompt: 'refused', ai_model_id: simModel.id }).ok(202)).id);
    expect(failed).toMatchObject({ status: 'FAILED', error_code: 'provider_content_filtered' });

    const done = await scrape();
    expect(valueOf(done, 'genbox_generations_finished', { model: 'local-image', outcome: 'completed' })).toBe(2);
    expect(valueOf(done, 'genbox_generations_finished', { model: 'sim-image', outcome: 'failed' })).toBe(1);
    expect(valueOf(done, 'genbox_generations_finished', { model: 'sim-image', outcome: 'completed' })).toBeUndefined();
    expect(valueOf(done, 'genbox_queue_jobs', { queue: 'generation', state: 'waiting' })).toBe(0);
    expect(valueOf(done, 'genbox_generations_in_flight', { model: 'local-image', status: 'pending' })).toBe(0);
    expect(valueOf(done, 'genbox_generation_duration_seconds_count', { model: 'local-image' })).toBe(2);
    const p50 = valueOf(done, 'genbox_generation_duration_seconds', { model: 'local-image', quantile: '0.5' })!;
    const p95 = valueOf(done, 'genbox_generation_duration_seconds', { model: 'local-image', quantile: '0.95' })!;
    expect(p50).toBeGreaterThan(0);
    expect(p95).toBeGreaterThanOrEqual(p50);
    expect(valueOf(done, 'genbox_generation_duration_seconds_sum', { model: 'local-image' })).toBeCloseTo(p50 * 2, 6); // two values: mean = median
  });

  it('a webhook with a bad signature or an unknown callback URL is refused and counted by verdict', async () => {
    const assetId = await insertAsset(api, box.id, alice.id, { model_id: replicateModel.id, status: 'PROCESSING', external_task_id: 'pred-1', webhook_token: 'hook-token-1' });
    const before = await scrape();
    const verdict = (s: Sample[], v: string) => valueOf(s, 'genbox_webhook_verdicts_total', { verdict: v });
    const body = JSON.stringify({ id: 'pred-1', status: 'succeeded', output: ['http://127.0.0.1:9/out.png'] });
    const forged = await fetch(`${api.url}/api/webhooks/replicate/${assetId}?token=hook-token-1`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` },
    });
    expect(forged.status).toBe(401);
    const wrongToken = await fetch(`${api.url}/api/webhooks/replicate/${assetId}?token=guess`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(wrongToken.status).toBe(404);

    const after = await scrape();
    expect(verdict(after, 'bad_signature')).toBe(verdict(before, 'bad_signature')! + 1);
    expect(verdict(after, 'unknown')).toBe(verdict(before, 'unknown')! + 1);
    expect(verdict(after, 'accepted')).toBe(verdict(before, 'accepted'));
    expect((await alice.get(`/api/assets/${assetId}`).ok()).status).toBe('PROCESSING');
  });
});
