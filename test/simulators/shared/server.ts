import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { writeFileInto } from './write-file.js';

/** A request as a simulator sees it (and as tests assert on it through `log`). */
export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: Buffer;
  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  json: unknown;
  /** When the request arrived (Date.now(), once its body was read). */
  at: number;
}

/** What a route answers. `body` objects are sent as JSON; Buffers, strings and streams as they are. */
export interface SimReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** ms to wait before answering (slow answers). */
  delayMs?: number;
  /** Close the connection without answering (a network error for the client). */
  drop?: boolean;
  /**
   * A host that never finishes: the status and headers at once, then the body one byte every
   * `everyMs`, starting over at its end, until the client hangs up (`onClose` says when).
   */
  trickle?: { everyMs: number; onByte?: () => void; onClose?: () => void };
  /** A file on disk to answer as the body (headers as given: content-length is the caller's). */
  file?: string;
}

export type SimHandler = (req: SimRequest) => SimReply | Promise<SimReply>;

export interface SimServer {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  port: number;
  /** Every request received, oldest first. */
  log: SimRequest[];
  close(): Promise<void>;
}

/** Runs `handle` as an HTTP server on 127.0.0.1 (port 0 unless a fixed one is asked for, as `npm run sim` does). */
export async function startSimServer(handle: SimHandler, port = 0): Promise<SimServer> {
  const log: SimRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    readRequest(req)
      .then(async (simReq) => {
        log.push(simReq);
        const reply = await handle(simReq);
        if (reply.delayMs) await new Promise<void>((r) => timers.add(setTimeout(r, reply.delayMs)));
        if (reply.drop) return req.socket.destroy();
        if (reply.trickle) return trickleReply(res, reply, reply.trickle, timers);
        writeReply(res, reply);
      })
      .catch((err) => writeReply(res, { status: 500, body: { error: `simulator bug: ${(err as Error).message}` } }));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t); // clears intervals too
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function readRequest(req: IncomingMessage): Promise<SimRequest> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const rawBody = Buffer.concat(chunks);
  const url = new URL(req.url ?? '/', 'http://sim');
  let json: unknown;
  if (rawBody.length && String(req.headers['content-type'] ?? '').includes('json')) {
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      json = undefined;
    }
  }
  return { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, rawBody, json, at: Date.now() };
}

function trickleReply(res: ServerResponse, reply: SimReply, trickle: NonNullable<SimReply['trickle']>, timers: Set<NodeJS.Timeout>): void {
  const body = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(String(reply.body ?? 'x'));
  res.writeHead(reply.status, reply.headers ?? {});
  res.flushHeaders();
  let at = 0;
  const timer = setInterval(() => {
    res.write(body.subarray(at % body.length, (at % body.length) + 1));
    at += 1;
    trickle.onByte?.();
  }, trickle.everyMs);
  timers.add(timer);
  res.once('close', () => {
    clearInterval(timer);
    timers.delete(timer);
    trickle.onClose?.();
  });
}

function writeReply(res: ServerResponse, reply: SimReply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.file) {
    res.writeHead(reply.status, headers);
    void writeFileInto(res, reply.file).then(() => res.end(), () => res.destroy());
    return;
  }
  if (reply.body instanceof Readable) {
    res.writeHead(reply.status, headers);
    // a client that stops reading (a size cap) closes the connection: stop reading the source too
    res.on('close', () => (reply.body as Readable).destroy());
    (reply.body as Readable).pipe(res);
    return;
  }
  let payload: Buffer | string | undefined;
  if (Buffer.isBuffer(reply.body) || typeof reply.body === 'string') payload = reply.body;
  else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['content-type'] ??= 'application/json';
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** POSTs JSON to a callback URL as a provider would; answers the status (0 when unreachable). */
export async function postCallback(url: string, rawBody: string, headers: Record<string, string>): Promise<number> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: rawBody, signal: AbortSignal.timeout(15_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

