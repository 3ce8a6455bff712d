import { Controller, Get, Headers, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/auth.guard.js';
import { MetricsService } from './metrics.service.js';

/** Prometheus scrape target, outside /api (bootstrap excludes it from the prefix). */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Public() @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response) {
    this.metrics.authorize(authorization);
    res.type(this.metrics.contentType).send(await this.metrics.scrape());
  }
}
