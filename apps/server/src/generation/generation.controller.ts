import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { GenerateRequest } from '@genbox/contracts';
import { CurrentUser } from '../auth/auth.guard.js';
import type { UserRow } from '../auth/users.repository.js';
import { parseInput } from '../common/validate.js';
import { GenerationRequests } from './generation-requests.service.js';

/** Starting, canceling and retrying generations (editors and owners). */
@Controller()
export class GenerationController {
  constructor(private readonly generate: GenerationRequests) {}

  @Post('boxes/:id/generate') @HttpCode(202)
  async start(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Body() body: unknown) {
    const input = parseInput(GenerateRequest, body);
    const items = await this.generate.generate(u.id, boxId, input);
    return input.count > 1 ? { items } : items[0];
  }

  @Post('assets/:id/cancel') @HttpCode(200)
  cancel(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.generate.cancel(u.id, id);
  }

  @Post('assets/:id/retry') @HttpCode(202)
  retry(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.generate.retry(u.id, id);
  }
}
