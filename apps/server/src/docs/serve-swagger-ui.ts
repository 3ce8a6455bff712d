import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { type Express } from 'express';

export const DOCS_INIT_SCRIPT = '/api/docs/ui/genbox-init.js';

/** Swagger UI's files from the swagger-ui-dist package, for the page at /api/docs (nothing is fetched from the internet). */
export function serveSwaggerUi(app: Express): void {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  // the page's one line of script, as a file: the Content-Security-Policy allows no inline script
  app.get(DOCS_INIT_SCRIPT, (_req, res) => void res.type('js').send("SwaggerUIBundle({ url: '/api/docs/openapi.json', dom_id: '#ui' });\n"));
  app.use('/api/docs/ui', express.static(dir, { index: false, maxAge: '1d' }));
}
