import { randomUUID } from 'node:crypto';
import { callbackDeliveries, FaultQueue, FileShelf, postCallback, QUICK_SUCCESS, ScriptedTask, startSimServer, type SimReply, type SimRequest, type TaskScript } from './shared/index.js';
import { FalSigner } from './fal/signer.js';
import { FAL_ENDPOINTS, FAL_SCHEMA_ROOT, falApp, falOpenApi } from './fal/endpoints.js';
import { schemaProblems } from './shared/index.js';

/** A TaskScript plus how a failure looks: the result's HTTP status, `detail`, and the X-Fal-Error-Type. */
export type FalScript = TaskScript & { failStatus?: number; failDetail?: unknown; errorType?: string };

export interface FalSimOptions {
  apiKey?: string;
  script?: FalScript;
  now?: () => number;
  port?: number;
}

interface FalRequest {
  id: string;
  app: string;
  endpoint: string;
  input: Record<string, unknown>;
  webhook?: string;
  scripted: ScriptedTask;
  output?: Record<string, unknown>;
}

const detail = (status: number, body: unknown, headers: Record<string, string> = {}): SimReply => ({ status, headers, body });

/**
 * fal.ai simulator (PROTOCOLS §4): queue submit / status (202 then 200) / result / cancel under
 * `Authorization: Key`, the storage upload API the official client uses, signed completion webhooks
 * and the JWKS that verifies them. Every host (queue.fal.run, rest.fal.ai) maps onto this one server.
 */
export async function startFalSimulator(options: FalSimOptions = {}) {
  const apiKey = options.apiKey ?? 'fal-key-id:fal-key-secret';
  const now = options.now ?? Date.now;
  const shelf = new FileShelf(now);
  const faults = new FaultQueue();
  const signer = new FalSigner();
  const requests = new Map<string, FalRequest>();
  const pendingUploads = new Map<string, { mimeType: string; path?: string }>();
  const nextScripts: FalScript[] = [];
  const callbacks: { status: number; body: unknown }[] = [];
  let base = '';

  const urls = (r: FalRequest) => {
    const at = `${base}/${r.app}/requests/${r.id}`;
    return { request_id: r.id, response_url: at, status_url: `${at}/status`, cancel_url: `${at}/cancel` };
  };

  /** The model output once, on first need, so the result and the webhook agree. */
  const outputOf = (r: FalRequest) => {
    const s = r.scripted.script as FalScript;
    if (r.output) return r.output;
    const kind = s.output ?? (FAL_ENDPOINTS[r.endpoint]?.output === 'video' ? 'mp4' : 'png');
    const file = { url: base + shelf.putSample(kind, s.resultTtlMs), content_type: kind === 'png' ? 'image/png' : 'video/mp4', file_name: `output.${kind}` };
    r.output = kind === 'png' ? { images: [{ ...file, width: 64, height: 64 }], seed: 196619188014358, has_nsfw_concepts: [s.outcome === 'filtered'], prompt: r.input.prompt } : { video: file, seed: 42 };
    return r.output;
  };
  const failDetail = (s: FalScript) => s.failDetail ?? s.failMessage ?? 'Internal error';

  const deliver = (r: FalRequest) => {
    if (!r.webhook) return;
    const s = r.scripted.script as FalScript;
    const phase = r.scripted.peek();
    const body =
      phase === 'failed'
        ? { request_id: r.id, gateway_request_id: r.id, status: 'ERROR', error: `Invalid status code: ${s.failStatus ?? 422}`, payload: { detail: failDetail(s) } }
        : { request_id: r.id, gateway_request_id: r.id, status: 'OK', payload: phase === 'canceled' ? null : outputOf(r), ...(phase === 'canceled' ? { payload_error: 'Request was cancelled' } : {}) };
    const raw = JSON.stringify(body);
    for (const d of callbackDeliveries(s.callbacks)) {
      const send = async () => callbacks.push({ body, status: await postCallback(r.webhook!, raw, signer.headers(r.id, raw, d.signature, now())) });
      if (d.when === 'late') setTimeout(send, s.lateMs ?? 200).unref();
      else void send();
    }
  };

  const submit = (req: SimRequest): SimReply => {
    const endpoint = req.path.replace(/^\/|\/$/g, '');
    if (!req.json || typeof req.json !== 'object') return detail(422, { detail: [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }] });
    const input = req.json as Record<string, unknown>;
    const known = FAL_ENDPOINTS[endpoint];
    // An endpoint fal does not host is refused at once (the exact wording fal uses is unverified).
    if (!known) return detail(404, { detail: `Application '${endpoint}' not found` });
    let script: FalScript = nextScripts.shift() ?? options.script ?? QUICK_SUCCESS;
    // Input is validated on the runner, so a bad input fails the queued request with 422 `detail` (as in fal's ERROR webhook example).
    const problems = schemaProblems(known.input, input, 'body', FAL_SCHEMA_ROOT);
    if (problems.length) {
      const failDetail = problems.map((p) => {
        const [at, msg] = p.split(': ');
        return { loc: at.split('.'), msg: msg === 'is required' ? 'field required' : msg, type: msg === 'is required' ? 'value_error.missing' : 'value_error' };
      });
      script = { ...script, outcome: 'failed', failStatus: 422, failDetail };
    }
    const id = randomUUID();
    const r: FalRequest = { id, endpoint, app: falApp(endpoint), input, webhook: req.query.get('fal_webhook') ?? undefined, scripted: undefined as never };
    r.scripted = new ScriptedTask(id, script, now, () => deliver(r));
    requests.set(id, r);
    return { status: 200, body: { ...urls(r), queue_position: 0, ...(r.webhook ? { gateway_request_id: id } : {}) } };
  };

  const status = (r: FalRequest, logs: boolean): SimReply => {
    const phase = r.scripted.observe();
    const log = logs ? [{ message: 'step', level: 'INFO', source: 'USER', timestamp: new Date(now()).toISOString() }] : [];
    if (phase === 'queued') return { status: 202, body: { status: 'IN_QUEUE', queue_position: 0, ...urls(r) } };
    if (phase === 'running') return { status: 202, body: { status: 'IN_PROGRESS', logs: log, ...urls(r) } };
    const s = r.scripted.script as FalScript;
    const failed = phase === 'failed' ? { error: JSON.stringify(failDetail(s)), error_type: s.errorType ?? 'request_error' } : {};
    return { status: 200, body: { status: 'COMPLETED', logs: log, metrics: { inference_time: 1.2 }, ...urls(r), ...failed } };
  };

  const result = (r: FalRequest): SimReply => {
    const phase = r.scripted.peek();
    if (phase === 'queued' || phase === 'running') return detail(400, { detail: 'Request is still in progress' });
    if (phase === 'canceled') return detail(400, { detail: 'Request was cancelled' }, { 'x-fal-error-type': 'request_cancelled' });
    const s = r.scripted.script as FalScript;
    if (phase === 'failed') return detail(s.failStatus ?? 500, { detail: failDetail(s) }, { 'x-fal-error-type': s.errorType ?? 'request_error' });
    return { status: 200, headers: { 'x-fal-request-id': r.id }, body: outputOf(r) };
  };

  const handle = (req: SimRequest): SimReply => {
    const fault = faults.take(req);
    if (fault) return fault;
    const file = shelf.serve(req);
    if (file) return file;
    if (req.method === 'GET' && req.path === '/.well-known/jwks.json') return { status: 200, body: signer.jwks() };
    // fal.ai/api/openapi/queue/openapi.json?endpoint_id=<id>: public, one OpenAPI document per endpoint.
    if (req.method === 'GET' && req.path === '/api/openapi/queue/openapi.json') {
      const id = req.query.get('endpoint_id') ?? '';
      const known = FAL_ENDPOINTS[id];
      return known ? { status: 200, body: falOpenApi(id, known) } : detail(404, { detail: `Endpoint '${id}' not found` });
    }
    const upload = /^\/uploads\/([\w-]+)$/.exec(req.path);
    if (req.method === 'PUT' && upload && pendingUploads.has(upload[1])) {
      const u = pendingUploads.get(upload[1])!;
      u.path = shelf.put(req.rawBody, u.mimeType, u.mimeType.split('/')[1] ?? 'bin');
      return { status: 200, body: {} };
    }
    // Uploaded files are public CDN URLs, like fal's.
    const stored = /^\/storage\/files\/([\w-]+)\//.exec(req.path);
    if (req.method === 'GET' && stored) {
      const path = pendingUploads.get(stored[1])?.path;
      return path ? shelf.serve({ ...req, path })! : detail(404, { detail: 'File not found' });
    }
    if (String(req.headers.authorization ?? '') !== `Key ${apiKey}`) {
      return detail(401, { detail: 'Invalid Key authorization header format or credentials. Use "Key <key_id>:<key_secret>".' });
    }
    if (req.method === 'POST' && req.path === '/storage/upload/initiate') {
      const { content_type, file_name } = (req.json ?? {}) as { content_type?: string; file_name?: string };
      if (!content_type) return detail(422, { detail: [{ loc: ['body', 'content_type'], msg: 'field required', type: 'value_error.missing' }] });
      const id = randomUUID();
      pendingUploads.set(id, { mimeType: content_type });
      return { status: 200, body: { upload_url: `${base}/uploads/${id}`, file_url: `${base}/storage/files/${id}/${file_name ?? 'file'}` } };
    }
    const m = /^\/(.+?)\/requests\/([\w-]+)(\/status|\/cancel)?$/.exec(req.path);
    if (m) {
      const r = requests.get(m[2]);
      if (!r || r.app !== m[1]) return detail(404, { detail: 'Request not found', status: 'NOT_FOUND' });
      if (req.method === 'GET' && m[3] === '/status') return status(r, req.query.get('logs') === '1');
      if (req.method === 'GET' && !m[3]) return result(r);
      if (req.method === 'PUT' && m[3] === '/cancel') return r.scripted.cancel() ? { status: 202, body: { status: 'CANCELLATION_REQUESTED' } } : detail(400, { status: 'ALREADY_COMPLETED' });
    }
    if (req.method === 'POST' && req.path.split('/').filter(Boolean).length >= 2) return submit(req);
    return detail(404, { detail: `No route ${req.method} ${req.path}` });
  };

  const http = await startSimServer(handle, options.port);
  base = http.url;
  return {
    url: http.url,
    apiKey,
    log: http.log,
    faults,
    shelf,
    requests,
    callbacks,
    /** The JWKS document as text, for a provider row's webhook secret. */
    jwksText: () => JSON.stringify(signer.jwks()),
    queueScript: (...scripts: FalScript[]) => nextScripts.push(...scripts),
    close: () => http.close(),
  };
}

export type FalSimulator = Awaited<ReturnType<typeof startFalSimulator>>;
