import { Controller, Get } from '@nestjs/common';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser, requireAdmin } from '../auth/auth.guard.js';
import { DependencyProbes } from '../common/dependency-probes.js';
import { ShutdownState } from '../common/shutdown-state.js';

/** For admins: each dependency's answer, its time and its error. Only on API nodes, where the auth guard runs. */
@Controller('health')
export class HealthDetailsController {
  constructor(
    private readonly probes: DependencyProbes,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('details')
  async details(@CurrentUser() user: UserRow) {
    requireAdmin(user);
    const checks = await this.probes.probeAll();
    const ok = !this.shutdown.draining && Object.values(checks).every((r) => r.ok);
    return { status: ok ? 'ok' : 'unavailable', draining: this.shutdown.draining, ...checks };
  }
}
