import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ModelTestRequest } from '@genbox/contracts';
import { CurrentUser, requireAdmin } from '../auth/auth.guard.js';
import type { UserRow } from '../auth/users.repository.js';
import { parseInput } from '../common/validate.js';
import { ModelTrialService } from './model-trial.service.js';

/** Test generation (admins): one real run of a model, answered with what the provider made. */
@Controller()
export class ModelTrialController {
  constructor(private readonly trials: ModelTrialService) {}

  @Post('models/:id/test') @HttpCode(200)
  test(@CurrentUser() u: UserRow, @Param('id') id: string, @Body() body: unknown) {
    requireAdmin(u);
    return this.trials.test(id, parseInput(ModelTestRequest, body ?? {}));
  }
}
