import { type DynamicModule, Module } from '@nestjs/common';
import { HealthDetailsController } from './health-details.controller.js';
import { HealthController } from './health.controller.js';

/**
 * `GET /api/health` (live, ready): every role answers it, a worker too (for container health
 * checks); the admins' details only on API nodes, where the auth guard runs.
 */
@Module({})
export class HealthModule {
  static register(role: { api: boolean }): DynamicModule {
    return { module: HealthModule, controllers: role.api ? [HealthController, HealthDetailsController] : [HealthController], exports: [] };
  }
}
