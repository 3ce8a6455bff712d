import { Module } from '@nestjs/common';
import { BoxesModule } from '../boxes/boxes.module.js';
import { AnalyticsController } from './analytics.controller.js';
import { AnalyticsRepository } from './analytics.repository.js';
import { AnalyticsService } from './analytics.service.js';

/** `GET /api/analytics`: a box's (or, for admins, every box's) generation figures (ROLE=api|all). */
@Module({
  imports: [BoxesModule],
  controllers: [AnalyticsController],
  providers: [AnalyticsRepository, AnalyticsService],
  exports: [],
})
export class AnalyticsModule {}
