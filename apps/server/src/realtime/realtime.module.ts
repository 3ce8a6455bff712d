import { Module } from '@nestjs/common';
import { RealtimePublisher } from './realtime.publisher.js';

/** How a change reaches every browser: the one publisher, through Redis, in seq order per box. */
@Module({
  providers: [RealtimePublisher],
  exports: [RealtimePublisher],
})
export class RealtimeModule {}
