import { type Socket, io } from 'socket.io-client';
import { Api, type GenboxProc, Proc, REDIS_URL, sandbox, sleep, startGenboxProc, startScriptProc } from './procs.js';
import { percentile } from './stats.js';

export interface FanoutResult { sockets: number; changes: number; allMs: { p50: number; p99: number }; medianSocketMs: number; firstSocketMs: number; requestMs: number; setupS: number; payloadBytes: number }

/** One broadcast measured: how long until every socket had it, and until half of them had. */
interface Change { all: number; median: number; first: number; request: number }

/**
 * Opens `n` sockets split across `urls`, then makes `changes` status changes one after the
 * other with `change(i)` (which resolves once the change is sent) and times its arrival on every socket.
 * A socket counts a change when `matches(event payload, i)` holds for an `asset.updated` it receives.
 */
async function fanout(opts: {
  urls: string[]; n: number; changes: number; auth?: object;
  join?: (s: Socket) => Promise<void>;
  change: (i: number) => Promise<void>;
  matches: (payload: any, i: number) => boolean;
  log: (s: string) => void;
}): Promise<{ results: Change[]; setupS: number; close(): void }> {
  const t0 = performance.now();
  const sockets: Socket[] = [];
  let current = -1;
  let got: number[] = [];
  let started = 0;
  let done: (() => void) | null = null;
  const connectOne = async (k: number) => {
    const s = io(opts.urls[k % opts.urls.length]!, { auth: opts.auth, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    s.on('asset.updated', (payload: unknown) => {
      if (current < 0 || !opts.matches(payload, current)) return;
      got.push(performance.now() - started);
      if (got.length === opts.n) done?.();
    });
    await opts.join?.(s);
  };
  for (let k = 0; k < opts.n; k += 50) await Promise.all(Array.from({ length: Math.min(50, opts.n - k) }, (_, j) => connectOne(k + j)));
  const setupS = (performance.now() - t0) / 1000;
  opts.log(`  ${opts.n} sockets connected and joined in ${setupS.toFixed(1)} s`);
  await sleep(1000); // let join-time traffic (presence) drain
  const results: Change[] = [];
  for (let i = 0; i < opts.changes; i++) {
    got = [];
    const all = new Promise<void>((resolve) => (done = resolve));
    started = performance.now();
    current = i;
    await opts.change(i);
    const request = performance.now() - started;
    const timedOut = await Promise.race([all.then(() => false), sleep(15_000).then(() => true)]);
    if (timedOut) throw new Error(`change ${i}: only ${got.length} of ${opts.n} sockets got it within 15 s`);
    current = -1;
    got.sort((a, b) => a - b);
    results.push({ all: got[got.length - 1]!, median: got[Math.floor(got.length / 2)]!, first: got[0]!, request });
    await sleep(50);
  }
  return { results, setupS, close: () => sockets.forEach((s) => s.disconnect()) };
}

const summarize = (r: { results: Change[]; setupS: number }, n: number, payloadBytes: number): FanoutResult => ({
  sockets: n, changes: r.results.length, setupS: r.setupS, payloadBytes,
  allMs: { p50: percentile(r.results.map((c) => c.all), 50), p99: percentile(r.results.map((c) => c.all), 99) },
  medianSocketMs: percentile(r.results.map((c) => c.median), 50),
  firstSocketMs: percentile(r.results.map((c) => c.first), 50),
  requestMs: percentile(r.results.map((c) => c.request), 50),
});

/**
 * Genbox: two ROLE=api processes on one database and Redis prefix, N sockets of one editor on one
 * box (half on each node). Each change is a REST cancel or retry of a PENDING/CANCELED asset on
 * node A: guarded transition, then the event through Redis to both nodes' sockets.
 */
export async function runProductFanout(o: { sockets: number; changes: number }, log: (s: string) => void): Promise<{ result: FanoutResult; sample: unknown }> {
  const box = await sandbox('rt');
  const procs: GenboxProc[] = [];
  let close = () => undefined as void;
  try {
    procs.push(await startGenboxProc(box, 'api-a', { ROLE: 'api' }));
    procs.push(await startGenboxProc(box, 'api-b', { ROLE: 'api' }));
    const admin = await Api.login(procs[0]!.url);
    const { items } = await admin.call<{ items: { id: string; model_type: string; input_type: string }[] }>('GET', '/api/models');
    const model = items.find((m) => m.model_type === 'IMAGE' && m.input_type === 'TEXT')!;
    const b = await admin.call('POST', '/api/boxes', { name: 'Fan-out box' });
    // no worker runs: the asset stays PENDING until the bench moves it
    const asset = await admin.call('POST', `/api/boxes/${b.id}/generate`, { prompt: 'fan-out', ai_model_id: model.id }, 202);
    const expected = (i: number) => (i % 2 === 0 ? 'CANCELED' : 'PENDING');
    let sample: unknown = null;
    log(`realtime (Genbox): ${o.sockets} sockets on 2 API nodes, ${o.changes} status changes`);
    const r = await fanout({
      urls: procs.map((p) => p.url), n: o.sockets, changes: o.changes, auth: { token: admin.token }, log,
      join: async (s) => {
        const ack = await s.timeout(20_000).emitWithAck('box:join', { box_id: b.id });
        if (!ack.ok) throw new Error(`join refused: ${JSON.stringify(ack)}`);
      },
      change: async (i) => {
        const dto = await admin.call('POST', `/api/assets/${asset.id}/${i % 2 === 0 ? 'cancel' : 'retry'}`);
        sample ??= { box_id: b.id, seq: 1, asset: dto };
      },
      matches: (p, i) => p?.asset?.id === asset.id && p.asset.status === expected(i),
    });
    close = r.close;
    return { result: summarize(r, o.sockets, JSON.stringify(sample).length), sample };
  } finally {
    close();
    for (const p of procs) await p.stop();
    await box.drop();
  }
}

/** The same fan-out through bare socket.io (+ the same Redis adapter) on two nodes, broadcasting `sample`. */
export async function runBareFanout(o: { sockets: number; changes: number; sample: any }, log: (s: string) => void): Promise<FanoutResult> {
  const prefix = `gbbench:bare_${process.pid}_${Date.now()}`;
  const nodes: (Proc & { url: string })[] = [];
  let close = () => undefined as void;
  try {
    for (const name of ['bare-a', 'bare-b']) {
      nodes.push(await startScriptProc(name, new URL('./bare-socket.node.ts', import.meta.url), { ...process.env, REDIS_URL, PREFIX: prefix }));
    }
    const expected = (i: number) => (i % 2 === 0 ? 'CANCELED' : 'PENDING');
    log(`realtime (bare socket.io): ${o.sockets} sockets on 2 nodes, ${o.changes} broadcasts`);
    const r = await fanout({
      urls: nodes.map((p) => p.url), n: o.sockets, changes: o.changes, log,
      change: async (i) => {
        const payload = { ...o.sample, seq: i + 2, asset: { ...o.sample.asset, status: expected(i) } };
        const res = await fetch(`${nodes[0]!.url}/emit`, { method: 'POST', body: JSON.stringify({ event: 'asset.updated', payload }) });
        await res.text();
      },
      matches: (p, i) => p?.asset?.status === expected(i),
    });
    close = r.close;
    return summarize(r, o.sockets, JSON.stringify(o.sample).length);
  } finally {
    close();
    for (const p of nodes) await p.stop();
  }
}
