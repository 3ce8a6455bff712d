/**
 * The requests of the fuzz test (fuzz.test.ts), made from the OpenAPI document: per operation,
 * bad tokens, bad and foreign path ids, malformed bodies (every property given wrong types, huge
 * strings, NUL characters …), bad query values and cursors. Deterministic for one seed.
 */

/** The fuzzing user's own things (valid ids), and another user's (foreign ids). */
export interface Fixtures {
  box: string; asset: string; storyboard: string; webhook: string; member: string; model: string; provider: string; email: string; batch: string;
  other: { box: string; asset: string; storyboard: string; token: string; user: string; batch: string };
}

export interface Probe { operation: string; what: string; method: string; path: string; headers: Record<string, string>; body?: string | FormData }

type Json = Record<string, any>;

/** mulberry32: a small seeded PRNG, so every run sends the same requests. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const HUGE = 'x'.repeat(100_000);

const BAD_IDS = ['not-a-uuid', '0', '00000000-0000-0000-0000-000000000000', 'x'.repeat(300), '%00', '%E0%A4%A', "1'%20OR%20'1'='1", '..%2F..%2Fetc%2Fpasswd'];
const BAD_BY_PARAM: Record<string, string[]> = {
  index: ['-1', '999', 'abc', '1.5', '1e3', '%00'],
  provider: ['nope', '%00', 'x'.repeat(300)],
};
const BAD_QUERY = ['', 'x'.repeat(10_000), 'a%00b', '-1', '1e999', 'abc', '%E0%A4%A', 'null'];
const BAD_QUERY_BY_NAME: Record<string, string[]> = {
  cursor: ['1', 'Feb 30 2024', '+275760-09-13T00:00:00Z', b64('2024-02-30T00:00:00Z|00000000-0000-0000-0000-000000000000'), b64('+275760-09-13T00:00:00Z|x'), b64('x|y|z'), '!!!!', b64('\u0000')],
  from: ['Feb 30 2024', '+275760-09-13T00:00:00Z', '1', '2024-13-45'],
  to: ['Feb 30 2024', '+275760-09-13T00:00:00Z', '1', '2024-13-45'],
  limit: ['0', '-5', '1e9', '1.5', '100000'],
  last_event_id: ['-1', 'abc', '99999999999999999999999', '%00'],
};
const BAD_TOKENS: [string, Record<string, string>][] = [
  ['no Authorization', {}],
  ['garbage bearer', { authorization: 'Bearer garbage' }],
  ['huge API token', { authorization: `Bearer gbt_${'x'.repeat(5000)}` }],
  ['Basic auth', { authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' }],
  ['empty Token', { authorization: 'Token ' }],
];

export function probesFor(doc: Json, fx: Fixtures, token: string, seed: number): Probe[] {
  const random = prng(seed);
  const pick = <T>(xs: T[], n: number): T[] => {
    const pool = [...xs];
    const out: T[] = [];
    while (out.length < n && pool.length) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
    return out;
  };
  const resolve = (s: Json | undefined): Json => (s?.$ref ? resolve(doc.components.schemas[s.$ref.split('/').pop()]) : (s ?? {}));
  const auth = { authorization: `Bearer ${token}` };
  const probes: Probe[] = [];

  for (const [template, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [verb, op] of Object.entries(ops)) {
      const method = verb.toUpperCase();
      const operation: string = op.operationId;
      const jsonBody = op.requestBody?.content?.['application/json'];
      const form = op.requestBody?.content?.['multipart/form-data'];
      // deleting or acting (no body) on the fixtures would leave nothing to fuzz: those get bad ids only
      const destructive = method === 'DELETE' || (method === 'POST' && !op.requestBody);
      const params = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const valid = Object.fromEntries(params.map((p) => [p, validId(template, p, fx)]));
      const foreign = Object.fromEntries(params.map((p) => [p, foreignId(template, p, fx)]));
      const pathWith = (values: Record<string, string | null>) => (params.some((p) => values[p] === null) ? null : template.replace(/\{(\w+)\}/g, (_, p: string) => values[p]!));
      const validPath = pathWith(valid);
      const add = (what: string, path: string | null, headers: Record<string, string>, body?: string | FormData) => {
        if (path !== null) probes.push({ operation, what, method, path, headers, body });
      };
      const anyPath = validPath ?? pathWith(Object.fromEntries(params.map((p) => [p, valid[p] ?? 'not-a-uuid'])));

      // a bad token cannot act, so even destructive operations get their valid path here
      for (const [what, headers] of BAD_TOKENS) add(what, anyPath, headers, jsonBody ? '{}' : undefined);

      // path ids: each parameter bad or foreign in turn, the others valid (or also bad when there is no safe valid one)
      for (const p of params) {
        const bad = [...(BAD_BY_PARAM[p] ?? BAD_IDS), ...(foreign[p] ? [foreign[p]!] : [])];
        for (const v of bad) {
          const values = { ...valid, [p]: v };
          for (const q of params) if (values[q] === null) values[q] = 'not-a-uuid';
          add(`${p}=${v.slice(0, 40)}`, pathWith(values), jsonBody ? { ...auth, 'content-type': 'application/json' } : auth, jsonBody ? JSON.stringify(baseBody(jsonBody, resolve, fx)) : undefined);
        }
      }

      const target = destructive ? null : validPath;
      // query values: each parameter bad in turn; an unknown one; a repeated one
      const queryParams = ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'query').map((p) => p.name as string);
      if (queryParams.length || method === 'GET') add('unknown query parameter', target && `${target}?zz_unknown=1`, auth);
      for (const q of queryParams) {
        const values = [...(BAD_QUERY_BY_NAME[q] ?? []), ...pick(BAD_QUERY, 3), ...(q.endsWith('_id') ? ['not-a-uuid', fx.other.box] : [])];
        for (const v of values) add(`?${q}=${v.slice(0, 40)}`, target && `${target}?${q}=${encodeURIComponent(v).replace(/%25/g, '%')}`, auth);
        add(`?${q} twice`, target && `${target}?${q}=a&${q}=b`, auth);
      }

      if (jsonBody && target) {
        const base = baseBody(jsonBody, resolve, fx);
        const json = { ...auth, 'content-type': 'application/json' };
        add('not JSON', target, json, '{"oops":');
        for (const raw of ['null', '[]', '"text"', '42', 'true', '{}']) add(`body ${raw}`, target, json, raw);
        add('unknown field', target, json, JSON.stringify({ ...base, zz_unknown_field: 'x' }));
        add('__proto__', target, json, `{"__proto__": {"is_admin": true}, ${JSON.stringify(base).slice(1)}`.replace(/, }$/, '}'));
        add('deep nesting', target, json, `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`);
        add('body over 2 MB', target, json, JSON.stringify({ ...base, zz: 'x'.repeat(3 * 1024 * 1024) }));
        add('text/plain body', target, { ...auth, 'content-type': 'text/plain' }, JSON.stringify(base));
        const props = Object.entries((resolve(jsonBody.schema).properties ?? {}) as Record<string, Json>);
        for (const [name, schema] of props) {
          const wrong = wrongValues(resolve(schema), fx);
          for (const [what, v] of [...wrong.slice(0, 3), ...pick(wrong.slice(3), 3)]) add(`${name}: ${what}`, target, json, JSON.stringify({ ...base, [name]: v }));
        }
      }

      if (form) for (const [what, body, headers] of formProbes()) add(what, validPath, { ...auth, ...headers }, body);
    }
  }
  return probes;
}

/** The id a parameter takes for the fuzzing user's own resource; null where using it could destroy a fixture. */
function validId(template: string, param: string, fx: Fixtures): string | null {
  if (param === 'userId') return fx.member;
  if (param === 'wid') return fx.webhook;
  if (param === 'did') return '6f1d7a52-4a43-4c1e-9d38-5a8b0e1c2d3f'; // no delivery exists: a well-formed stranger
  if (param === 'index') return '0';
  if (param === 'provider') return 'kie';
  if (param === 'assetId') return fx.asset;
  if (param === 'batchId') return fx.batch;
  const byRoot: Record<string, string | null> = { boxes: fx.box, assets: fx.asset, storyboards: fx.storyboard, models: fx.model, providers: fx.provider, tokens: null };
  return byRoot[template.split('/')[template.startsWith('/api/auth') ? 3 : 2]!] ?? null;
}

/** Another user's resource of the same kind, when there is one. */
function foreignId(template: string, param: string, fx: Fixtures): string | null {
  if (param === 'userId') return fx.other.user;
  if (param === 'assetId') return fx.other.asset;
  if (param === 'batchId') return fx.other.batch;
  if (param !== 'id') return null;
  const byRoot: Record<string, string> = { boxes: fx.other.box, assets: fx.other.asset, storyboards: fx.other.storyboard, tokens: fx.other.token };
  return byRoot[template.split('/')[template.startsWith('/api/auth') ? 3 : 2]!] ?? null;
}

/** The documented example with the fixtures' ids in it, so a body gets past "not found" to its own checks. */
function baseBody(media: Json, resolve: (s: Json) => Json, fx: Fixtures): Json {
  const schema = resolve(media.schema);
  const example: Json = structuredClone(media.example ?? schema.examples?.[0] ?? {});
  const ids: Record<string, unknown> = { ai_model_id: fx.model, provider_id: fx.provider, parent_asset_id: fx.asset, box_ids: [fx.box], user_id: fx.member };
  for (const [k, v] of Object.entries(ids)) if (k in example || k in (schema.properties ?? {})) example[k] = v;
  return example;
}

/** Values of the wrong kind for a property: the first three (wrong type, NUL, huge) always, three more picked by the seed. */
function wrongValues(schema: Json, fx: Fixtures): [string, unknown][] {
  const type = schema.type ?? (schema.anyOf ? 'any' : 'unknown');
  const wrongType: unknown = type === 'string' ? 12345 : type === 'array' ? 'not-an-array' : type === 'object' ? [1, 2] : 'not-a-number';
  return [
    ['wrong type', wrongType],
    ['NUL', 'a\u0000b'],
    ['huge string', HUGE],
    ['null', null],
    ['empty array', []],
    ['object', { nested: { deeper: true } }],
    ['empty string', ''],
    ['negative', -1],
    ['fraction', 1.5],
    ['1e308', 1e308],
    ['non-uuid', 'not-a-uuid'],
    ["another box's id", fx.other.box],
    ['array of NUL', ['\u0000']],
    ['array of 10000', Array.from({ length: 10_000 }, (_, i) => i)],
    ['boolean', true],
  ];
}

/** Multipart bodies that break the upload's rules in one way each. */
function formProbes(): [string, FormData | string, Record<string, string>][] {
  const png = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])]);
  const form = (fill: (f: FormData) => void) => {
    const f = new FormData();
    fill(f);
    return f;
  };
  return [
    ['JSON instead of multipart', '{"file": "x"}', { 'content-type': 'application/json' }],
    ['multipart without boundary', 'garbage', { 'content-type': 'multipart/form-data' }],
    ['no file', form((f) => f.append('prompt_text', 'caption only')), {}],
    ['NUL in prompt_text', form((f) => { f.append('prompt_text', 'a\u0000b'); f.append('file', new Blob(['not an image']), 'x.png'); }), {}],
    ['huge prompt_text', form((f) => { f.append('prompt_text', HUGE); f.append('file', new Blob(['not an image']), 'x.png'); }), {}],
    ['text file', form((f) => f.append('file', new Blob(['hello']), 'hello.txt')), {}],
    ['empty file', form((f) => f.append('file', new Blob([]), 'empty.png')), {}],
    ['truncated png', form((f) => f.append('file', png, 'broken.png')), {}],
    ['two files', form((f) => { f.append('file', new Blob(['a']), 'a.png'); f.append('file', new Blob(['b']), 'b.png'); }), {}],
    ['unknown field', form((f) => { f.append('zz_unknown', 'x'); f.append('file', new Blob(['x']), 'x.bin'); }), {}],
    ['NUL in file name', form((f) => f.append('file', new Blob(['x']), 'a\u0000b.png')), {}],
  ];
}
