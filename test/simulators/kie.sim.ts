import { createHmac, randomBytes } from 'node:crypto';
import {
  callbackDeliveries, RateWindow, FaultQueue, FileShelf, postCallback, QUICK_SUCCESS, ScriptedTask, startSimServer,
  type Phase, type SimReply, type SimRequest, type SimServer, type TaskScript,
} from './shared/index.js';
import { schemaProblems } from './shared/index.js';
import { KIE_MARKET_MODELS, KIE_VEO_BODY } from './kie/models.js';

/**
 * Kie.ai market jobs API and File Upload API (PROTOCOLS.md §1) on one loopback server, so base_url and
 * upload_base_url may both point at it. Kie has no official npm client; the adapter tests are the check.
 */
export interface KieSimOptions {
  apiKey?: string;
  /** The dashboard's webhookHmacKey used to sign callbacks. */
  webhookHmacKey?: string;
  /** 'http': errors as real HTTP statuses; 'body': HTTP 200 with the error code in the body (the docs allow both). */
  errorMode?: 'http' | 'body';
  /** Creates allowed per window before 429 (Kie: 20 per 10 s); the task is not queued. */
  rateLimit?: { max: number; windowMs: number };
  /** Adds the undocumented data.progress (0–100) to records. */
  progress?: boolean;
  /**
   * Callback body shape for market tasks: 'taskId' (data.taskId, the market pages' examples) or
   * 'task_id' (data.task_id beside a top-level taskId, as other Kie products send).
   */
  callbackShape?: 'taskId' | 'task_id';
  now?: () => number;
  port?: number;
}

export interface KieSim {
  url: string;
  server: SimServer;
  apiKey: string;
  webhookHmacKey: string;
  faults: FaultQueue;
  files: FileShelf;
  /** Scripts for the next created tasks, in order; QUICK_SUCCESS when empty. */
  scripts: TaskScript[];
  tasks: Map<string, { task: ScriptedTask; body: Record<string, unknown>; createdAt: number; family: 'market' | 'veo' }>;
  /** Every callback sent: what, to where, the receiver's status. */
  callbacks: { taskId: string; state: string; signature: string; status: number }[];
  /** Resolves when all callbacks scheduled so far have been sent. */
  callbacksSettled(): Promise<void>;
  close(): Promise<void>;
}

const STATE_WORD: Record<Phase, string> = { queued: 'waiting', running: 'generating', succeeded: 'success', failed: 'fail', filtered: 'fail', canceled: 'fail' };

export async function startKieSim(options: KieSimOptions = {}): Promise<KieSim> {
  const now = options.now ?? Date.now;
  const apiKey = options.apiKey ?? `kie-${randomBytes(8).toString('hex')}`;
  const webhookHmacKey = options.webhookHmacKey ?? randomBytes(16).toString('hex');
  const rate = options.rateLimit ?? { max: 20, windowMs: 10_000 };
  const files = new FileShelf(now);
  const faults = new FaultQueue();
  const tasks: KieSim['tasks'] = new Map();
  const resultUrls = new Map<string, string>();
  const creates = new RateWindow(rate.max, rate.windowMs, now);
  const pending = new Set<Promise<unknown>>();
  let base = '';

  const envelope = (code: number, msg: string, data?: unknown): SimReply => ({
    status: options.errorMode === 'body' || code === 200 ? 200 : code,
    body: data === undefined ? { code, msg } : { code, msg, data },
  });

  function record(taskId: string, phaseOverride?: Phase) {
    const entry = tasks.get(taskId)!;
    const phase = phaseOverride ?? entry.task.peek();
    const script = entry.task.script;
    const done = phase === 'succeeded' || phase === 'failed' || phase === 'filtered';
    let resultJson = '';
    if (phase === 'succeeded') {
      if (!resultUrls.has(taskId)) {
        const kind = script.output ?? (/video|seedance|veo|kling/i.test(String(entry.body.model)) ? 'mp4' : 'png');
        resultUrls.set(taskId, base + (script.trickleResult ? files.putTrickling(kind) : files.putSample(kind, script.resultTtlMs)));
      }
      resultJson = JSON.stringify({ resultUrls: [resultUrls.get(taskId)] });
    }
    const failCode = phase === 'filtered' ? '422' : phase === 'failed' ? '500' : '';
    const failMsg = phase === 'filtered' ? (script.failMessage ?? 'Invalid prompt: prompt contains prohibited content') : phase === 'failed' ? (script.failMessage ?? 'Internal server error') : '';
    return {
      taskId, model: entry.body.model, state: STATE_WORD[phase], param: JSON.stringify(entry.body), resultJson, failCode, failMsg,
      costTime: done ? now() - entry.createdAt : 0, completeTime: done ? now() : null, createTime: entry.createdAt, updateTime: now(),
      ...(options.progress ? { progress: entry.task.progress() } : {}),
    };
  }

  function sendCallbacks(task: ScriptedTask) {
    const entry = tasks.get(task.id)!;
    const url = entry.body.callBackUrl;
    if (typeof url !== 'string') return;
    for (const delivery of callbackDeliveries(task.script.callbacks)) {
      const phase = delivery.snapshot === 'earlier' ? 'running' : undefined;
      const { body, state } = entry.family === 'veo' ? veoCallback(task.id, phase) : marketCallback(task.id, phase);
      const data = { state };
      // Signatures use the wall clock, as the receiver checks them against its own.
      const ts = Math.floor(Date.now() / 1000) - (delivery.signature === 'stale' ? 3600 : 0);
      const key = delivery.signature === 'bad' ? 'not-the-key' : webhookHmacKey;
      const signature = signKieCallback(key, task.id, ts);
      const send = async () => {
        if (delivery.when === 'late') await new Promise((r) => setTimeout(r, task.script.lateMs ?? 300));
        const status = await postCallback(url, body, { 'X-Webhook-Timestamp': String(ts), 'X-Webhook-Signature': signature });
        sim.callbacks.push({ taskId: task.id, state: data.state, signature: delivery.signature, status });
      };
      // Deliveries to one URL go out in order, so "out of order" really arrives out of order.
      const chained = Promise.all([...pending]).then(send);
      pending.add(chained);
      void chained.finally(() => pending.delete(chained));
    }
  }

  function marketCallback(taskId: string, phase?: Phase) {
    const data = record(taskId, phase);
    const ok = data.state === 'success';
    const full = { ...data, consumeCredits: ok ? 100 : 0, remainedCredits: 2510330 };
    const code = ok || data.state !== 'fail' ? 200 : 501;
    const msg = ok ? 'Playground task completed successfully.' : 'Playground task failed.';
    if (options.callbackShape === 'task_id') {
      const { taskId: _omitted, ...rest } = full;
      return { state: data.state, body: JSON.stringify({ code, msg, taskId, data: { ...rest, task_id: taskId } }) };
    }
    return { state: data.state, body: JSON.stringify({ code, data: full, msg }) };
  }

  /** docs.kie.ai "Veo3.1 Video Generation Callbacks": data.info.resultUrls on success, the reason in msg otherwise. */
  function veoCallback(taskId: string, phase?: Phase) {
    const r = veoRecord(taskId, phase);
    if (r.successFlag === 1) return { state: 'success', body: JSON.stringify({ code: 200, msg: 'Veo3.1 video generated successfully.', data: { taskId, info: r.response, fallbackFlag: false } }) };
    if (r.successFlag === 0) return { state: 'generating', body: JSON.stringify({ code: 200, msg: 'generating', data: { taskId, info: null, fallbackFlag: false } }) };
    return { state: 'fail', body: JSON.stringify({ code: Number(r.errorCode) || 500, msg: r.errorMessage, data: { taskId, info: null, fallbackFlag: false } }) };
  }

  /** `GET /api/v1/veo/record-info` data: successFlag 0 generating, 1 success, 2 failed, 3 generation failed. */
  function veoRecord(taskId: string, phaseOverride?: Phase) {
    const entry = tasks.get(taskId)!;
    const phase = phaseOverride ?? entry.task.peek();
    const script = entry.task.script;
    if (phase === 'succeeded' && !resultUrls.has(taskId)) resultUrls.set(taskId, base + files.putSample(script.output ?? 'mp4', script.resultTtlMs));
    const successFlag = phase === 'succeeded' ? 1 : phase === 'filtered' ? 2 : phase === 'failed' || phase === 'canceled' ? 3 : 0;
    const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
    return {
      taskId, paramJson: JSON.stringify(entry.body), createTime: stamp(entry.createdAt), completeTime: successFlag ? stamp(now()) : null,
      response: successFlag === 1 ? { taskId, resultUrls: [resultUrls.get(taskId)], originUrls: [resultUrls.get(taskId)], resolution: '1080p' } : null,
      successFlag,
      errorCode: successFlag === 2 ? 400 : successFlag === 3 ? 500 : null,
      errorMessage: successFlag === 2 ? (script.failMessage ?? 'Your prompt was flagged by Website as violating content policies.') : successFlag === 3 ? (script.failMessage ?? 'Generation failed upstream.') : '',
      fallbackFlag: false,
    };
  }

  function readTask(req: SimRequest, family: 'market' | 'veo'): SimReply {
    const taskId = req.query.get('taskId');
    if (!taskId) return envelope(400, 'taskId parameter is required');
    const entry = tasks.get(taskId);
    if (!entry || entry.family !== family) return envelope(404, 'Task not found');
    entry.task.observe();
    return envelope(200, 'success', family === 'veo' ? veoRecord(taskId) : record(taskId));
  }

  async function handle(req: SimRequest): Promise<SimReply> {
    const fault = faults.take(req);
    if (fault) return fault;
    const file = files.serve(req);
    if (file) return file;
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return req.path.includes('upload')
        ? { status: 401, body: { success: false, code: 401, msg: 'Authentication failed: Invalid API Key' } }
        : envelope(401, 'You do not have access permissions');
    }
    if (req.method === 'POST' && req.path === '/api/v1/jobs/createTask') return createTask(req);
    if (req.method === 'GET' && req.path === '/api/v1/jobs/recordInfo') return readTask(req, 'market');
    if (req.method === 'POST' && req.path === '/api/v1/veo/generate') return createVeoTask(req);
    if (req.method === 'GET' && req.path === '/api/v1/veo/record-info') return readTask(req, 'veo');
    if (req.method === 'GET' && req.path === '/api/v1/chat/credit') return envelope(200, 'success', 35.95);
    if (req.method === 'POST' && req.path.startsWith('/api/file-')) return upload(req);
    return envelope(404, 'Not Found');
  }

  function createTask(req: SimRequest): SimReply {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body.model !== 'string' || !body.model) return envelope(422, 'model is required');
    const schema = KIE_MARKET_MODELS[body.model];
    if (!schema) return envelope(422, `model: "${body.model}" is not a supported model`);
    const problems = [...topLevelProblems(body, ['model', 'callBackUrl', 'input']), ...schemaProblems(schema, body.input ?? {}, 'input')];
    if (problems.length) return envelope(422, problems.join('; '));
    return queue(body, 'market', `task_${body.model.replace(/\W+/g, '-')}_`);
  }

  function createVeoTask(req: SimRequest): SimReply {
    const body = req.json as Record<string, unknown> | undefined;
    const problems = schemaProblems(KIE_VEO_BODY, body, 'body');
    const images = Array.isArray(body?.imageUrls) ? body.imageUrls.length : 0;
    if (body?.generationType === 'FIRST_AND_LAST_FRAMES_2_VIDEO' && (images < 1 || images > 2)) problems.push('imageUrls: FIRST_AND_LAST_FRAMES_2_VIDEO takes 1 or 2 images');
    if (body?.generationType === 'REFERENCE_2_VIDEO' && body.model !== 'veo3_fast') problems.push('model: REFERENCE_2_VIDEO runs on veo3_fast only');
    if (problems.length) return envelope(422, problems.join('; '));
    return queue(body!, 'veo', 'veo_task_');
  }

  function queue(body: Record<string, unknown>, family: 'market' | 'veo', prefix: string): SimReply {
    const t = now();
    if (!creates.take().ok) return envelope(429, 'Rate limited'); // and the task is not queued
    const taskId = `${prefix}${t}${randomBytes(3).toString('hex')}`;
    const script = sim.scripts.shift() ?? QUICK_SUCCESS;
    tasks.set(taskId, { body, createdAt: t, family, task: new ScriptedTask(taskId, script, now, sendCallbacks) });
    return envelope(200, 'success', { taskId });
  }

  async function upload(req: SimRequest): Promise<SimReply> {
    const fail = (code: number, msg: string): SimReply => ({ status: code, body: { success: false, code, msg } });
    let bytes: Buffer;
    let fields: Record<string, string> = {};
    let mimeType = 'application/octet-stream';
    if (req.path === '/api/file-stream-upload') {
      const form = await new Request('http://sim/', { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: new Uint8Array(req.rawBody) }).formData();
      const file = form.get('file');
      if (!(file instanceof Blob)) return fail(400, 'Missing required parameter: file');
      bytes = Buffer.from(await file.arrayBuffer());
      mimeType = file.type || mimeType;
      fields = { uploadPath: String(form.get('uploadPath') ?? ''), fileName: String(form.get('fileName') ?? (file as File).name ?? '') };
    } else if (req.path === '/api/file-base64-upload') {
      const json = (req.json ?? {}) as Record<string, string>;
      const match = /^data:([^;]+);base64,(.*)$/s.exec(json.base64Data ?? '');
      bytes = Buffer.from(match ? match[2] : (json.base64Data ?? ''), 'base64');
      if (match) mimeType = match[1];
      fields = json;
      if (!bytes.length) return fail(400, 'Missing required parameter: base64Data');
    } else if (req.path === '/api/file-url-upload') {
      const json = (req.json ?? {}) as Record<string, string>;
      const res = await fetch(json.fileUrl ?? '', { signal: AbortSignal.timeout(30_000) }).catch(() => null);
      if (!res?.ok) return fail(400, 'Failed to download file from URL');
      bytes = Buffer.from(await res.arrayBuffer());
      mimeType = res.headers.get('content-type') ?? mimeType;
      fields = json;
    } else return fail(405, 'Method Not Allowed');
    if (!fields.uploadPath) return fail(400, 'Missing required parameter: uploadPath');
    const ext = mimeType.split('/')[1] ?? 'bin';
    const path = files.put(bytes, mimeType, ext, 3 * 24 * 3600_000);
    const fileName = fields.fileName || path.split('/').pop()!;
    return {
      status: 200,
      body: { success: true, code: 200, msg: 'File uploaded successfully', data: { fileName, filePath: `${fields.uploadPath}/${fileName}`, downloadUrl: base + path, fileSize: bytes.length, mimeType, uploadedAt: new Date(now()).toISOString() } },
    };
  }

  const server = await startSimServer(handle, options.port);
  base = server.url;
  const sim: KieSim = {
    url: server.url, server, apiKey, webhookHmacKey, faults, files, scripts: [], tasks, callbacks: [],
    callbacksSettled: async () => {
      while (pending.size) await Promise.all([...pending]);
    },
    close: () => server.close(),
  };
  return sim;
}

function topLevelProblems(body: Record<string, unknown>, allowed: string[]): string[] {
  return Object.keys(body).filter((k) => !allowed.includes(k)).map((k) => `${k}: is not a field of createTask`);
}

/** base64(HMAC-SHA256(key, `${taskId}.${timestamp}`)), per docs.kie.ai webhook verification. */
export function signKieCallback(key: string, taskId: string, timestampSeconds: number): string {
  return createHmac('sha256', key).update(`${taskId}.${timestampSeconds}`).digest('base64');
}
