import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { type Express } from 'express';

/** Swagger UI's files from the swagger-ui-dist package, for the page at /api/docs (nothing is fetched from the internet). */
export function serveSwaggerUi(app: Express): void {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  app.use('/api/docs/ui', express.static(dir, { index: false, maxAge: '1d' }));
}
