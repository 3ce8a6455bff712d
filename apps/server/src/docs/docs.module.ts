import { Module } from '@nestjs/common';
import { DocsController } from './docs.controller.js';

/** The OpenAPI document and its page under /api/docs (ROLE=api|all). */
@Module({
  controllers: [DocsController],
  exports: [],
})
export class DocsModule {}
