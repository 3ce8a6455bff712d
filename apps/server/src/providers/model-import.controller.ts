import { Body, Controller, Post } from '@nestjs/common';
import { ImportModelRequest } from '@genbox/contracts';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser, requireAdmin } from '../auth/auth.guard.js';
import { parseInput } from '../common/validate.js';
import { ModelImportService } from './model-import.service.js';

@Controller()
export class ModelImportController {
  constructor(private readonly importer: ModelImportService) {}

  /** Creates a model from the schema Replicate or fal publishes for `name` (admins); 201 with the row to adjust. */
  @Post('models/import')
  importModel(@CurrentUser() u: UserRow, @Body() body: unknown) {
    requireAdmin(u);
    return this.importer.importModel(parseInput(ImportModelRequest, body));
  }
}
