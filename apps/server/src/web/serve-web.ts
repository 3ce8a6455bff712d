import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';

/**
 * Serves the built board (apps/web/dist) at `/`, falling back to index.html for the app's own
 * routes so a reload of /boxes/:id works. /api, /socket.io and /metrics are left to Nest.
 */
export function serveWeb(app: Express, webDist: string): boolean {
  const index = join(webDist, 'index.html');
  if (!existsSync(index)) return false;
  const files = express.static(webDist, { index: false, maxAge: '1h', setHeaders: (res, path) => {
    if (path.includes(`${join(webDist, 'assets')}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  } });
  // API calls never name a file of the board: without this, each one cost a stat() of the disk
  app.use((req, res, next) => (req.path.startsWith('/api/') ? next() : files(req, res, next)));
  app.get(/^(?!\/api\/|\/socket\.io\/|\/metrics$).*/, (req, res, next) => (req.method === 'GET' && req.accepts('html') ? res.sendFile(index) : next()));
  return true;
}
