import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/auth.guard.js';
import { DependencyProbes } from '../common/dependency-probes.js';
import { ShutdownState } from '../common/shutdown-state.js';

/**
 * What a load balancer or container platform asks, open to anyone and so saying only up or down:
 * which dependency failed, and why, names hosts and paths (logs and GET /api/health/details).
 * Every answer comes within a second, whatever is down (each probe has its own deadline).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly probes: DependencyProbes,
    private readonly shutdown: ShutdownState,
  ) {}

  /** Liveness: the process runs and its event loop turns. Restarting it would not bring back a database. */
  @Public() @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Readiness: 200 when PostgreSQL, Redis and storage answer and the process is not shutting down; else 503. */
  @Public() @Get('ready')
  ready(@Res() res: Response) {
    return this.answerReadiness(res);
  }

  /** The same as /ready (what earlier versions and the Docker health check ask). */
  @Public() @Get()
  health(@Res() res: Response) {
    return this.answerReadiness(res);
  }

  private async answerReadiness(res: Response) {
    const ok = !this.shutdown.draining && Object.values(await this.probes.probeAll()).every((r) => r.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable' });
  }
}
