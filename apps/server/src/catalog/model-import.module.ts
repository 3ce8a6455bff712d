import { type DynamicModule, Module } from '@nestjs/common';
import { ModelImportController } from './model-import.controller.js';
import { ModelImportService } from './model-import.service.js';

/** POST /api/models/import: a model row from the schema Replicate or fal publishes (ROLE=api|all). */
@Module({})
export class ModelImportModule {
  static register(opts: { api: boolean }): DynamicModule {
    return {
      module: ModelImportModule,
      controllers: opts.api ? [ModelImportController] : [],
      providers: opts.api ? [ModelImportService] : [],
    };
  }
}
