import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '../auth/auth.guard.js';
import { WebhooksService } from './webhooks.service.js';

@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** Provider callbacks: verified, answered fast, then reconciled by a status read. */
  @Public() @Post(':provider/:assetId') @HttpCode(200)
  receive(@Param('provider') provider: string, @Param('assetId') assetId: string, @Req() req: Request & { rawBody?: Buffer }) {
    return this.webhooks.receive(provider, assetId, {
      headers: req.headers,
      rawBody: req.rawBody ?? Buffer.alloc(0),
      query: req.query as Record<string, string | undefined>,
      url: `${req.protocol}://${req.get('host')}${req.originalUrl}`,
    });
  }
}
