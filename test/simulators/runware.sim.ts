import { callbackDeliveries, FaultQueue, FileShelf, postCallback, RateWindow, retryAfterSeconds, startSimServer, type SimReply, type SimRequest } from './shared/index.js';
import { DEFAULT_RUNWARE_SCRIPT, RunwareTasks, type RunwareScript, type VideoTask } from './runware/tasks.js';
import { startRunwareWebSocket } from './runware/websocket.js';

export type { RunwareScript } from './runware/tasks.js';

export interface RunwareSimOptions {
  apiKey?: string;
  /** Behaviour of every generation unless `nextScripts` holds one. */
  script?: RunwareScript;
  /** The word for an unfinished task: "processing" (current docs) or "pending" (older docs). */
  pendingWord?: 'processing' | 'pending';
  /** Send webhook bodies without the `data` wrapper (an integrator's report, unverified). */
  flatWebhooks?: boolean;
  /** Requests allowed per window before 429; Runware publishes no figure (PROTOCOLS §3.6), so none by default. */
  rateLimit?: { max: number; windowMs: number };
  now?: () => number;
  port?: number;
  /** Port of the WebSocket transport (0, any free port, unless given). */
  wsPort?: number;
}

export interface RunwareCallback {
  url: string;
  status: number;
  body: unknown;
}

/**
 * Runware simulator (PROTOCOLS §3): HTTP `POST /v1` with task arrays and `Authorization: Bearer` or an
 * `authentication` task, plus the WebSocket transport at `wsUrl`. Results are served from `/files/…`.
 */
export async function startRunwareSimulator(options: RunwareSimOptions = {}) {
  const apiKey = options.apiKey ?? 'rw-test-key';
  const now = options.now ?? Date.now;
  const shelf = new FileShelf(now);
  const faults = new FaultQueue();
  const callbacks: RunwareCallback[] = [];
  let baseUrl = '';

  let delivering: Promise<unknown> = Promise.resolve();
  const deliver = (task: VideoTask) => {
    if (!task.webhookURL) return;
    const script = task.scripted.script;
    for (const d of callbackDeliveries(script.callbacks)) {
      const answer = d.snapshot === 'final' ? tasks.videoAnswer(task.scripted.id, task) : { data: [{ taskType: 'videoInference', taskUUID: task.scripted.id, status: 'processing' }], errors: [] };
      const body = options.flatWebhooks ? { ...answer.data[0], ...(answer.errors[0] ? { errors: answer.errors } : {}) } : answer.errors.length ? { data: answer.data, errors: answer.errors } : { data: answer.data };
      const send = async () => {
        if (d.when === 'late') await new Promise((r) => setTimeout(r, script.lateMs ?? 200));
        callbacks.push({ url: task.webhookURL!, body, status: await postCallback(task.webhookURL!, JSON.stringify(body), {}) });
      };
      // deliveries go out one after another, so "out of order" really arrives out of order
      delivering = delivering.then(send, send);
    }
  };
  const tasks = new RunwareTasks(shelf, options.script ?? DEFAULT_RUNWARE_SCRIPT, now, options.pendingWord ?? 'processing', deliver, () => baseUrl);

  const requests = options.rateLimit ? new RateWindow(options.rateLimit.max, options.rateLimit.windowMs, now) : null;

  const handle = (req: SimRequest): SimReply => {
    const fault = faults.take(req);
    if (fault) return fault;
    const file = shelf.serve(req);
    if (file) return file;
    if (req.method !== 'POST' || req.path !== '/v1') return { status: 404, body: { errors: [{ code: 'notFound', message: `No route ${req.method} ${req.path}.` }] } };
    if (!Array.isArray(req.json)) {
      return { status: 400, body: { errors: [{ code: 'invalidPayload', message: 'The request body must be a JSON array of task objects.' }] } };
    }
    const batch = req.json as Record<string, unknown>[];
    const rate = requests?.take();
    if (rate && !rate.ok) return { status: 429, headers: { 'retry-after': retryAfterSeconds(rate.retryAfterMs) }, body: { errors: [{ code: 'rateLimitExceeded', message: 'Too many requests. Slow down and retry later.' }] } };
    const authTask = batch.find((t) => t.taskType === 'authentication');
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if ((authTask?.apiKey ?? bearer) !== apiKey) {
      return { status: 401, body: { errors: [{ code: 'invalidApiKey', message: 'Invalid API key. Get one at https://my.runware.ai', parameter: 'apiKey', taskType: 'authentication' }] } };
    }
    const answers = batch.filter((t) => t !== authTask).map((t) => tasks.run(t));
    const data = answers.flatMap((a) => a.data);
    const errors = answers.flatMap((a) => a.errors);
    const status = answers.every((a) => a.status !== 200) && answers.length ? answers[0].status : 200;
    // A clean success has no `errors` key at all (PROTOCOLS §3.2).
    return { status, body: errors.length ? { data, errors } : { data } };
  };

  const http = await startSimServer(handle, options.port);
  baseUrl = http.url;
  const ws = await startRunwareWebSocket(tasks, apiKey, options.wsPort);
  return {
    url: http.url,
    /** What a provider row's base_url should hold. */
    apiUrl: `${http.url}/v1`,
    wsUrl: ws.url,
    apiKey,
    log: http.log,
    faults,
    shelf,
    callbacks,
    uploads: tasks.uploads,
    videos: tasks.videos,
    /** Queue the behaviour of the next generation(s). */
    queueScript: (...scripts: RunwareScript[]) => tasks.nextScripts.push(...scripts),
    close: async () => {
      await ws.close();
      await http.close();
    },
  };
}

export type RunwareSimulator = Awaited<ReturnType<typeof startRunwareSimulator>>;
