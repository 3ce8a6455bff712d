import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type pino from 'pino';
import { withLogContext } from './log-context.js';

/** A caller's own request id is kept when it looks like one (a proxy's, a client's); otherwise a new one. */
const GOOD_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const BOX_PATH = new RegExp(`^/api/boxes/(${UUID})`, 'i');
const ASSET_PATH = new RegExp(`^/api/(?:assets|webhooks/[^/]+)/(${UUID})`, 'i');

/**
 * Gives every request an id (`X-Request-Id`, echoed in the answer), runs the rest of the request
 * inside it so every line it logs, and every job it starts, carries it, and writes one line when
 * the answer is sent: method, path without its query (tokens and signatures live there), status, time.
 */
export function requestLogging(logger: pino.Logger) {
  const http = logger.child({ context: 'HTTP' });
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const reqId = typeof given === 'string' && GOOD_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', reqId);
    const path = req.originalUrl.split('?')[0]!;
    const boxId = BOX_PATH.exec(path)?.[1];
    const assetId = ASSET_PATH.exec(path)?.[1];
    const started = process.hrtime.bigint();
    res.once('close', () => {
      if (!http.isLevelEnabled('info')) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const status = res.writableFinished ? res.statusCode : 499; // 499: the client went away first
      withLogContext({ reqId, boxId, assetId }, () => http.info({ method: req.method, path, status, ms: Math.round(ms * 10) / 10 }, `${req.method} ${path} ${status} ${Math.round(ms)} ms`));
    });
    withLogContext({ reqId, boxId, assetId }, next);
  };
}
