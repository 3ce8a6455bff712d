import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';

/** `GET /api/health`: every role answers it, a worker too (for container health checks). */
@Module({
  controllers: [HealthController],
  exports: [],
})
export class HealthModule {}
