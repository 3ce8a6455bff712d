import { createHmac, randomBytes } from 'node:crypto';
import { cogSchema, REPLICATE_MODELS, versionOf } from './replicate/models.js';
import { schemaProblems, type JsonSchema } from './shared/index.js';
import {
  callbackDeliveries, FaultQueue, FileShelf, postCallback, QUICK_SUCCESS, RateWindow, retryAfterSeconds, ScriptedTask, startSimServer, TERMINAL_PHASES,
  type Phase, type SimReply, type SimRequest, type SimServer, type TaskScript,
} from './shared/index.js';
import { veoInputProblem } from './replicate-veo.js';

/**
 * Replicate HTTP API (PROTOCOLS.md §2): predictions by version, by model and by deployment, `Prefer: wait`,
 * get, cancel, list, files, the default webhook secret, Standard Webhooks signing, RFC 7807 errors.
 * Paths are served under /v1, so the official client's baseUrl is `${url}/v1`.
 */
export interface ReplicateSimOptions {
  apiKey?: string;
  now?: () => number;
  /** ms that one "second" of `Prefer: wait=n` lasts here, so tests can hold a request briefly. */
  secondMs?: number;
  /** Prediction creates allowed per window before 429 (Replicate: 600 per minute). */
  rateLimit?: { max: number; windowMs: number };
  port?: number;
}

export interface ReplicateSim {
  url: string;
  server: SimServer;
  apiKey: string;
  /** `whsec_…`, as GET /v1/webhooks/default/secret answers. */
  webhookSecret: string;
  faults: FaultQueue;
  files: FileShelf;
  scripts: TaskScript[];
  predictions: Map<string, Prediction>;
  callbacks: { id: string; status: string; signature: string; httpStatus: number }[];
  callbacksSettled(): Promise<void>;
  /** The canned 429 with Retry-After for the next `times` calls matching `match`. */
  throttle(match: string, retryAfterS: number, times?: number): void;
  close(): Promise<void>;
}

interface Prediction {
  task: ScriptedTask;
  body: Record<string, unknown>;
  model: string;
  version: string;
  createdAt: number;
  output?: unknown;
}

const STATUS: Record<Phase, string> = { queued: 'starting', running: 'processing', succeeded: 'succeeded', failed: 'failed', filtered: 'failed', canceled: 'canceled' };
const VERSION = /^[0-9a-f]{64}$/;
const VERSIONS = new Map(Object.keys(REPLICATE_MODELS).map((name) => [versionOf(name), name]));
const iso = (ms: number) => new Date(ms).toISOString();
const problem = (status: number, title: string, detail: string): SimReply => ({ status, headers: { 'content-type': 'application/problem+json' }, body: { title, detail, status } });

export async function startReplicateSim(options: ReplicateSimOptions = {}): Promise<ReplicateSim> {
  const now = options.now ?? Date.now;
  const apiKey = options.apiKey ?? `r8_${randomBytes(12).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const files = new FileShelf(now);
  const faults = new FaultQueue();
  const predictions = new Map<string, Prediction>();
  const createRate = options.rateLimit ?? { max: 600, windowMs: 60_000 };
  const creates = new RateWindow(createRate.max, createRate.windowMs, now);
  /** PROTOCOLS §2.4: the throttle answer, with the header the official client honours. */
  const throttled = (): SimReply | null => {
    const r = creates.take();
    if (r.ok) return null;
    const s = retryAfterSeconds(r.retryAfterMs);
    return { status: 429, headers: { 'content-type': 'application/problem+json', 'retry-after': s }, body: { detail: `Request was throttled. Your rate limit resets in ~${s}s.`, status: 429 } };
  };
  const pending = new Set<Promise<unknown>>();
  let base = '';

  function view(id: string, phaseOverride?: Phase) {
    const p = predictions.get(id)!;
    const phase = phaseOverride ?? p.task.peek();
    const script = p.task.script;
    const done = TERMINAL_PHASES.includes(phase);
    if (phase === 'succeeded' && p.output === undefined) {
      const known = REPLICATE_MODELS[p.model]?.output;
      const kind = script.outputFile ? (script.outputFile.mimeType.startsWith('video/') ? 'mp4' : 'png') : (script.output ?? (known ? (known === 'video' ? 'mp4' : 'png') : /veo|video|kling|wan/i.test(p.model) ? 'mp4' : 'png'));
      const url = base + (script.outputFile ? files.putFile(script.outputFile, script.resultTtlMs) : files.putSample(kind, script.resultTtlMs));
      p.output = kind === 'mp4' ? url : [url]; // video models answer one URL, image models a list
    }
    const removed = phase === 'succeeded' && script.resultTtlMs !== undefined && now() - p.createdAt >= script.resultTtlMs;
    const pct = done ? 100 : phase === 'running' ? Math.max(1, p.task.progress()) : 0;
    const logs = phase === 'queued' ? '' : `Using seed: 42\n  0%|          | 0/28 [00:00<?, ?it/s]\n${String(pct).padStart(3)}%|${'█'.repeat(Math.round(pct / 10)).padEnd(10)}| ${Math.round((28 * pct) / 100)}/28 [00:01<00:01, 9.80it/s]\n`;
    const error = phase === 'failed' ? (script.failMessage ?? 'Prediction failed: CUDA out of memory') : phase === 'filtered' ? (script.failMessage ?? 'NSFW content detected. Try running it again, or try a different prompt.') : null;
    return {
      id, model: p.model, version: p.version, input: removed ? {} : p.body.input, logs: removed ? '' : logs,
      output: phase === 'succeeded' && !removed ? p.output : null, data_removed: removed, error, status: STATUS[phase], source: 'api',
      created_at: iso(p.createdAt), started_at: phase === 'queued' ? null : iso(p.createdAt + 1), completed_at: done ? iso(now()) : null,
      ...(done ? { metrics: { predict_time: (now() - p.createdAt) / 1000, total_time: (now() - p.createdAt) / 1000 } } : {}),
      urls: { web: `https://replicate.com/p/${id}`, get: `${base}/v1/predictions/${id}`, cancel: `${base}/v1/predictions/${id}/cancel` },
    };
  }

  function sendWebhooks(task: ScriptedTask) {
    const p = predictions.get(task.id)!;
    const url = p.body.webhook;
    const filter = p.body.webhook_events_filter as string[] | undefined;
    if (typeof url !== 'string' || (filter && !filter.includes('completed'))) return;
    const webhookId = `msg_${randomBytes(10).toString('hex')}`;
    for (const d of callbackDeliveries(task.script.callbacks)) {
      const body = JSON.stringify(view(task.id, d.snapshot === 'earlier' ? 'running' : undefined));
      // Signatures use the wall clock, as the receiver checks them against its own.
      const ts = Math.floor(Date.now() / 1000) - (d.signature === 'stale' ? 3600 : 0);
      const secret = d.signature === 'bad' ? `whsec_${randomBytes(24).toString('base64')}` : webhookSecret;
      // An out-of-order event is a different message; a retry keeps its webhook-id.
      const id = d.snapshot === 'earlier' ? `msg_${randomBytes(10).toString('hex')}` : webhookId;
      const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(secret, id, ts, body) };
      const send = async () => {
        if (d.when === 'late') await new Promise((r) => setTimeout(r, task.script.lateMs ?? 300));
        const httpStatus = await postCallback(url, body, headers);
        sim.callbacks.push({ id, status: JSON.parse(body).status, signature: d.signature, httpStatus });
      };
      const chained = Promise.all([...pending]).then(send);
      pending.add(chained);
      void chained.finally(() => pending.delete(chained));
    }
  }

  async function create(req: SimRequest, model: string, version: string, body: Record<string, unknown>): Promise<SimReply> {
    const allowed = new Set(['version', 'input', 'webhook', 'webhook_events_filter', 'stream']);
    const extra = Object.keys(body).find((k) => !allowed.has(k));
    if (extra) return problem(422, 'Input validation failed', `Additional property ${extra} is not allowed`);
    if (!body.input || typeof body.input !== 'object') return problem(422, 'Input validation failed', '- input: input is required');
    const known = REPLICATE_MODELS[model];
    if (known) {
      // Replicate validates input against the version's openapi_schema before it creates anything.
      const schema = cogSchema(known);
      const problems = schemaProblems((schema.components as { schemas: { Input: JsonSchema } }).schemas.Input, body.input, 'input', schema);
      if (problems.length) return problem(422, 'Input validation failed', problems.map((p) => `- ${p}`).join('\n'));
    }
    // and the rules across fields that a schema cannot say (last_frame needs image)
    const veo = veoInputProblem(model, body.input as Record<string, unknown>);
    if (veo) return problem(422, 'Input validation failed', veo);
    const id = randomBytes(13).toString('hex').slice(0, 26);
    const script = sim.scripts.shift() ?? QUICK_SUCCESS;
    predictions.set(id, { task: new ScriptedTask(id, script, now, sendWebhooks), body, model, version, createdAt: now() });
    const prefer = /^wait(?:=(\d+))?$/.exec(String(req.headers.prefer ?? '').trim());
    if (prefer) {
      const deadline = Date.now() + Math.min(Number(prefer[1] ?? 60), 60) * (options.secondMs ?? 1000);
      while (!TERMINAL_PHASES.includes(predictions.get(id)!.task.peek()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    }
    const finished = TERMINAL_PHASES.includes(predictions.get(id)!.task.peek());
    return { status: prefer && !finished ? 202 : 201, body: view(id) };
  }

  async function handle(req: SimRequest): Promise<SimReply> {
    const fault = faults.take(req);
    if (fault) return fault;
    const file = files.serve(req);
    if (file) return file;
    const auth = String(req.headers.authorization ?? '');
    if (auth !== `Bearer ${apiKey}` && auth !== `Token ${apiKey}`) return problem(401, 'Unauthenticated', 'You did not pass a valid authentication token');
    const body = (req.json ?? {}) as Record<string, unknown>;
    const parts = req.path.split('/').filter(Boolean); // ['v1', …]
    const isCreate = req.method === 'POST' && (req.path === '/v1/predictions' || ((parts[1] === 'models' || parts[1] === 'deployments') && parts[4] === 'predictions' && parts.length === 5));
    if (isCreate) {
      const limited = throttled();
      if (limited) return limited;
    }
    if (req.method === 'POST' && req.path === '/v1/predictions') {
      const v = String(body.version ?? '');
      const [named, hash] = v.includes(':') ? v.split(':') : VERSION.test(v) ? [VERSIONS.get(v) ?? '', v] : [v, undefined];
      // A version must be one Replicate has; a bare owner/name works for official models only.
      const exists = hash === undefined ? Boolean(REPLICATE_MODELS[named]) : VERSIONS.get(hash) === named;
      if (!exists) return problem(422, 'Invalid version', `Invalid version or not permitted: ${v}`);
      return create(req, named, hash ?? 'hidden', body);
    }
    if (req.method === 'POST' && (parts[1] === 'models' || parts[1] === 'deployments') && parts[4] === 'predictions' && parts.length === 5) {
      const name = `${parts[2]}/${parts[3]}`;
      if (parts[1] === 'models' && !REPLICATE_MODELS[name]) return problem(404, 'Not found', 'The requested resource could not be found.');
      return create(req, name, 'hidden', body);
    }
    // GET /v1/models/{owner}/{name} and /versions/{id}: the model, and its version's openapi_schema.
    if (req.method === 'GET' && parts[1] === 'models' && parts.length >= 4) {
      const name = `${parts[2]}/${parts[3]}`;
      const known = REPLICATE_MODELS[name];
      const version = known && { id: versionOf(name), created_at: iso(0), cog_version: '0.16.8', openapi_schema: cogSchema(known) };
      if (known && parts.length === 4) {
        return { status: 200, body: { url: `https://replicate.com/${name}`, owner: parts[2], name: parts[3], description: known.description, visibility: 'public', github_url: null, paper_url: null, license_url: null, run_count: 0, cover_image_url: null, default_example: null, latest_version: version } };
      }
      if (known && parts[4] === 'versions' && parts[5] === version!.id && parts.length === 6) return { status: 200, body: version };
      return problem(404, 'Not found', 'The requested resource could not be found.');
    }
    if (req.method === 'GET' && req.path === '/v1/predictions') {
      return { status: 200, body: { next: null, previous: null, results: [...predictions.keys()].reverse().slice(0, 100).map((id) => view(id)) } };
    }
    if (parts[1] === 'predictions' && parts[2]) {
      const p = predictions.get(parts[2]);
      if (!p) return problem(404, 'Not found', 'The requested resource could not be found.');
      if (req.method === 'GET' && parts.length === 3) {
        p.task.observe();
        return { status: 200, body: view(parts[2]) };
      }
      if (req.method === 'POST' && parts[3] === 'cancel') {
        p.task.cancel();
        return { status: 200, body: view(parts[2]) };
      }
    }
    // account.get: who the token belongs to (the call a key check makes)
    if (req.method === 'GET' && req.path === '/v1/account') return { status: 200, body: { type: 'organization', username: 'genbox-sim', name: 'Genbox simulator', github_url: null } };
    if (req.method === 'POST' && req.path === '/v1/files') return uploadFile(req);
    if (req.method === 'GET' && req.path === '/v1/webhooks/default/secret') return { status: 200, body: { key: webhookSecret } };
    return problem(404, 'Not found', 'The requested resource could not be found.');
  }

  async function uploadFile(req: SimRequest): Promise<SimReply> {
    const form = await new Request('http://sim/', { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: new Uint8Array(req.rawBody) }).formData();
    const content = form.get('content');
    if (!(content instanceof Blob)) return problem(400, 'Bad request', 'content is required');
    const bytes = Buffer.from(await content.arrayBuffer());
    if (bytes.length > 100 * 1024 * 1024) return { status: 413, body: { detail: 'Files must be less than 100MB in size' } };
    const type = String(form.get('type') ?? content.type ?? 'application/octet-stream');
    const path = files.put(bytes, type, type.split('/')[1] ?? 'bin', 24 * 3600_000);
    const id = path.split('/').pop()!.split('.')[0];
    return {
      status: 201,
      body: { id, name: String(form.get('filename') ?? (content as File).name ?? id), content_type: type, size: bytes.length, etag: id, checksums: {}, metadata: {}, created_at: iso(now()), expires_at: iso(now() + 24 * 3600_000), urls: { get: base + path } },
    };
  }

  const server = await startSimServer(handle, options.port);
  base = server.url;
  const sim: ReplicateSim = {
    url: server.url, server, apiKey, webhookSecret, faults, files, scripts: [], predictions, callbacks: [],
    callbacksSettled: async () => {
      while (pending.size) await Promise.all([...pending]);
    },
    throttle: (match, retryAfterS, times = 1) =>
      faults.add(match, { status: 429, headers: { 'retry-after': String(retryAfterS) }, body: { detail: `Request was throttled. Your rate limit resets in ~${retryAfterS}s.`, status: 429 } }, times),
    close: () => server.close(),
  };
  return sim;
}

/** Standard Webhooks: `v1,` + base64 HMAC-SHA256 over `id.timestamp.body`, keyed by the base64 part of `whsec_…`. */
export function signStandardWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.split('_').pop()!, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}
