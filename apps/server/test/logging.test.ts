import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogging } from '../src/common/logging/logger.js';
import { ADMIN, WorkerProcess, loginAdmin, sleep } from './faults/fault-kit.js';
import { type TestGenbox, UserClient, freePort, startTestGenbox } from './harness.js';

const REQUEST_ID = 'gen-req-42';
const PASSWORD = 'correct horse battery';
const PROVIDER_KEY = 'sk-live-provider-key-0123456789';

describe('logs of a production process', () => {
  let gb: TestGenbox;
  let proc: WorkerProcess;
  let url: string;

  beforeAll(async () => {
    gb = await startTestGenbox({ ROLE: 'api', GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password });
    // the same start command operators use, as its own process: what it prints is what a log shipper reads
    const port = String(await freePort());
    url = `http://127.0.0.1:${port}`;
    proc = await WorkerProcess.start(gb, { ROLE: 'all', PORT: port, PUBLIC_URL: url, NODE_ENV: 'production', LOG_LEVEL: 'debug' });
  }, 60_000);
  afterAll(async () => {
    await proc?.kill('SIGTERM');
    await gb?.stop();
  });

  it('are JSON lines; HTTP lines carry a request id, the jobs it starts carry it on, pipeline lines name asset and box, and no secret shows', async () => {
    const client = new UserClient(url, '', '', '', '');
    const reg = await client.post('/api/auth/register', { email: `logs-${Date.now()}@example.com`, password: PASSWORD, display_name: 'Logs' }).ok(201);
    const user = new UserClient(url, reg.token, reg.user.id, reg.user.email, 'logs');
    const admin = await loginAdmin(gb);
    await new UserClient(url, admin.token!, admin.id, admin.email, 'admin').post('/api/providers', { name: 'Keyed', kind: 'kie', base_url: 'http://127.0.0.1:9', api_key: PROVIDER_KEY, allow_private_network: true }).ok(201);
    const box = await user.createBox('Logged');
    // an event stream takes its token in the query string: the log line must not
    const sse = new AbortController();
    await fetch(`${url}/api/boxes/${box.id}/events?token=${reg.token}`, { signal: sse.signal }).catch(() => undefined);
    sse.abort();
    const model = await user.model('local-image');
    const res = await fetch(`${url}/api/boxes/${box.id}/generate`, {
      method: 'POST', headers: { authorization: `Bearer ${reg.token}`, 'content-type': 'application/json', 'x-request-id': REQUEST_ID }, body: JSON.stringify({ prompt: 'a logged fox', ai_model_id: model.id }),
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-request-id')).toBe(REQUEST_ID);
    const asset = await res.json();
    expect((await user.settled(asset.id, 20_000)).status).toBe('COMPLETED');
    await sleep(300);

    const text = proc.output.join('');
    const lines = text.split('\n').filter((l) => l.trim());
    const parsed = lines.map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${l}`);
      }
    });
    for (const l of parsed) expect(l).toMatchObject({ level: expect.any(String), time: expect.any(String), msg: expect.any(String) });

    const http = parsed.filter((l) => l.context === 'HTTP');
    expect(http.length).toBeGreaterThan(5);
    expect(http.filter((l) => !l.req_id), 'HTTP lines without a request id').toEqual([]);
    const generate = http.find((l) => l.method === 'POST' && String(l.path).endsWith('/generate'));
    expect(generate).toMatchObject({ req_id: REQUEST_ID, box_id: box.id, status: 202 });

    const pipeline = parsed.filter((l) => l.asset_id === asset.id && l.context !== 'HTTP');
    expect(pipeline.length, 'pipeline lines of the asset').toBeGreaterThanOrEqual(2);
    for (const l of pipeline) expect(l, JSON.stringify(l)).toMatchObject({ req_id: REQUEST_ID, box_id: box.id });

    for (const secret of [PASSWORD, reg.token, PROVIDER_KEY, gb.env.APP_SECRET!, ADMIN.password]) expect(text.includes(secret), `a secret in the log: ${secret.slice(0, 4)}…`).toBe(false);
  }, 60_000);
});

describe('logs in development', () => {
  it('are lines for a person, with secrets and credentials masked', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += String(d)));
    const logging = createLogging({ format: 'pretty', level: 'log', secrets: ['the-app-secret-value'], destination: out });
    logging.nest.log('calling with the-app-secret-value and Authorization: Bearer abcdefghijklmnop and postgres://genbox:hunter22@db/genbox', 'Test');
    await sleep(50);
    expect(text).toContain('[Test]');
    expect(() => JSON.parse(text.trim().split('\n')[0]!)).toThrow();
    for (const secret of ['the-app-secret-value', 'abcdefghijklmnop', 'hunter22']) expect(text).not.toContain(secret);
  });
});
