import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/auth.guard.js';
import type { AppConfig } from '../config/env.js';
import { CONFIG } from '../common/tokens.js';
import { buildOpenApi } from './openapi.js';
import { DOCS_INIT_SCRIPT } from './serve-swagger-ui.js';

/** Swagger UI page; its scripts come from swagger-ui-dist, served under /api/docs/ui (see bootstrap). */
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Genbox API</title>
<link rel="stylesheet" href="/api/docs/ui/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/api/docs/ui/swagger-ui-bundle.js"></script>
<script src="${DOCS_INIT_SCRIPT}"></script></body></html>`;

@Controller('docs')
export class DocsController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(CONFIG) config: AppConfig) {
    this.document = buildOpenApi(config.publicUrl);
  }

  @Public() @Get()
  page(@Res() res: Response) {
    res.type('html').send(PAGE);
  }

  @Public() @Get('openapi.json')
  openapi() {
    return this.document;
  }
}
