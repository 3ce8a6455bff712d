import type { IncomingMessage, Server } from 'node:http';

/**
 * Uploads are limited by how long they stall, not by how long they take. Node cuts any request
 * whose body has not fully arrived after `server.requestTimeout` (300 s by default): a multi-GB
 * multipart upload on a slow link would fail however steadily its bytes flow. So the whole-request
 * cap is off, and instead a request whose body makes no progress (not one byte either way) for
 * `idleMs` is cut. Headers keep Node's own `headersTimeout`, and once the body is in, the request
 * may take as long as its work does (the last tus PATCH assembling a big file, say).
 */
export function cutStalledBodies(server: Server, idleMs: number): void {
  server.requestTimeout = 0;
  server.on('request', (req: IncomingMessage) => {
    if (!hasBody(req)) return;
    // fires only while the body is incomplete (Node emits a request's 'timeout' only then)
    req.setTimeout(idleMs, () => req.socket.destroy());
    // disarmed once the body is in: a long answer after it is not a stall of the upload
    req.once('end', () => req.socket.setTimeout(0));
  });
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}
