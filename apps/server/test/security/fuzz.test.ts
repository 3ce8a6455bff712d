import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAnswer } from '../contract-check.js';
import { type TestGenbox, type UserClient, pngBytes, startTestGenbox } from '../harness.js';
import { ADMIN, loginAdmin } from '../faults/fault-kit.js';
import { type Fixtures, type Probe, probesFor } from './fuzz-probes.js';

/**
 * Every operation of the OpenAPI document (/api/docs/openapi.json) receives malformed bodies,
 * wrong types, huge strings, unknown fields, NUL characters, bad and foreign ids and bad cursors,
 * all chosen from one seed. Each answer must be below 500, a documented `{statusCode, error,
 * message}` when it is an error, and an error must leave every table as it was.
 *
 * ROLE=api: no worker moves rows behind the test's back; no API limits, so the fuzz is not
 * answered 429 throughout (the sign-in limits stay at their defaults: 429 is a fine answer too).
 */
const SEED = 20261202;

let gb: TestGenbox;
let admin: UserClient;
let fixtures: Fixtures;

beforeAll(async () => {
  gb = await startTestGenbox({ ROLE: 'api', GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password, API_LIMIT_PER_TOKEN: '0', API_LIMIT_PER_USER: '0' });
  admin = await loginAdmin(gb);
  const [alice, bob] = [await gb.newUser('alice'), await gb.newUser('bob')];
  const box = await admin.createBox('Fuzzed');
  await admin.post(`/api/boxes/${box.id}/members`, { email: alice.email, role: 'editor' }).ok(201);
  const png = await pngBytes();
  const asset = await admin.upload(box.id, png).ok(201);
  const video = await admin.model('local-video');
  const storyboard = await admin.post(`/api/boxes/${box.id}/storyboards`, { prompt: 'a fox at dawn', ai_model_id: video.id, scenes: 2 }).ok(201);
  const webhook = await admin.post(`/api/boxes/${box.id}/webhooks`, { url: 'http://127.0.0.1:9/hook', allow_private_network: true }).ok(201);
  const provider = (await admin.get('/api/providers').ok()).items[0];
  // a batch each (ROLE=api: they wait PENDING throughout)
  const image = await admin.model('local-image');
  const batch = (await admin.post(`/api/boxes/${box.id}/generate`, { prompt: 'a moth at a lamp', ai_model_id: image.id, count: 2 }).ok(202)).items[0].batch_id;
  // the other box: everything in it is someone else's to the fuzzing admin
  const other = await bob.createBox('Not yours');
  const otherAsset = await bob.upload(other.id, png).ok(201);
  const otherStoryboard = await bob.post(`/api/boxes/${other.id}/storyboards`, { prompt: 'a hare at dusk', ai_model_id: video.id, scenes: 2 }).ok(201);
  const otherToken = await bob.post('/api/auth/tokens', { name: 'bob script' }).ok(201);
  const otherBatch = (await bob.post(`/api/boxes/${other.id}/generate`, { prompt: 'a wren in snow', ai_model_id: image.id, count: 2 }).ok(202)).items[0].batch_id;
  fixtures = {
    box: box.id, asset: asset.id, storyboard: storyboard.id, webhook: webhook.id, member: alice.id, model: video.id, provider: provider.id, email: alice.email, batch,
    other: { box: other.id, asset: otherAsset.id, storyboard: otherStoryboard.id, token: otherToken.id, user: bob.id, batch: otherBatch },
  };
}, 240_000);
afterAll(async () => {
  await gb?.stop();
});

/** Every table's rows as one checksum each (last_used_at moves on reads: left out). */
async function snapshot(): Promise<Record<string, string>> {
  const tables = (await gb.sql<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`)).map((r) => r.t);
  const cols = tables.map((t) => `(SELECT count(*) || ':' || md5(coalesce(string_agg(r, '|' ORDER BY r), '')) FROM (SELECT (to_jsonb(x) - 'last_used_at')::text AS r FROM "${t}" x) s) AS "${t}"`);
  const [row] = await gb.sql<Record<string, string>>(`SELECT ${cols.join(', ')}`);
  return row!;
}

/**
 * The tables once they stop changing: a success may have effects that land a moment after its
 * answer (an event's webhook deliveries are written by a listener), which must not be blamed on
 * the next request.
 */
async function settledSnapshot(): Promise<Record<string, string>> {
  let last = await snapshot();
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await snapshot();
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  return last;
}

interface Finding { probe: string; status: number; problem: string }

async function send(p: Probe): Promise<{ status: number; body: unknown; contentType: string | null }> {
  const abort = new AbortController();
  const res = await fetch(gb.url + p.path, { method: p.method, headers: p.headers, body: p.body, signal: abort.signal });
  const contentType = res.headers.get('content-type');
  // an event stream that opened stays open: its status is the answer
  if (contentType?.startsWith('text/event-stream')) {
    abort.abort();
    return { status: res.status, body: null, contentType };
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch { /* not JSON */ }
  return { status: res.status, body, contentType };
}

describe('fuzzing every documented operation', () => {
  it('answers every malformed request with a documented 4xx and changes nothing', async () => {
    const doc = await gb.client.get<any>('/api/docs/openapi.json').ok();
    const probes = probesFor(doc, fixtures, admin.token!, SEED);
    const operations = new Set(probes.map((p) => p.operation));
    expect(operations.size).toBe(Object.values(doc.paths as Record<string, object>).reduce((n, ops) => n + Object.keys(ops).length, 0));

    const findings: Finding[] = [];
    let before = await snapshot();
    let tried = 0;
    for (const p of probes) {
      const r = await send(p);
      tried++;
      const note = (problem: string) => findings.push({ probe: `${p.method} ${p.path.slice(0, 120)} [${p.what}]`, status: r.status, problem });
      if (r.status >= 500) note(`5xx: ${JSON.stringify(r.body).slice(0, 200)}`);
      try {
        checkAnswer(p.method, p.path, r.status, r.body, r.contentType);
      } catch (e) {
        note((e as Error).message.slice(0, 300));
      }
      const after = r.status < 400 ? await settledSnapshot() : await snapshot();
      if (r.status >= 400) {
        const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
        if (changed.length) note(`an error changed ${changed.join(', ')}`);
      }
      before = after;
    }
    console.log(`fuzz: ${tried} requests over ${operations.size} operations (seed ${SEED}), ${findings.length} findings`);
    for (const f of findings) console.log(`fuzz finding: ${f.probe} → ${f.status}: ${f.problem}`);
    expect(findings).toEqual([]);
  }, 600_000);
});
