import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { CreateStoryboardRequest, MAX_STORYBOARD_SCENES, RetrySceneRequest, UpdateStoryboardRequest } from '@genbox/contracts';
import { z } from 'zod';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser } from '../auth/auth.guard.js';
import { parseInput } from '../common/validate.js';
import { StoryboardsService } from './storyboards.service.js';

const SceneIndex = z.coerce.number().int().min(0).max(MAX_STORYBOARD_SCENES - 1);

@Controller()
export class StoryboardsController {
  constructor(private readonly storyboards: StoryboardsService) {}

  @Post('boxes/:id/storyboards')
  create(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Body() body: unknown) {
    return this.storyboards.create(u.id, boxId, parseInput(CreateStoryboardRequest, body), u.is_admin);
  }

  @Get('boxes/:id/storyboards')
  async list(@CurrentUser() u: UserRow, @Param('id') boxId: string) {
    return { items: await this.storyboards.list(u.id, boxId, u.is_admin) };
  }

  @Get('storyboards/:id')
  get(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.storyboards.get(u.id, id, u.is_admin);
  }

  @Patch('storyboards/:id')
  update(@CurrentUser() u: UserRow, @Param('id') id: string, @Body() body: unknown) {
    return this.storyboards.update(u.id, id, parseInput(UpdateStoryboardRequest, body));
  }

  @Post('storyboards/:id/run') @HttpCode(202)
  run(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.storyboards.run(u.id, id);
  }

  @Post('storyboards/:id/scenes/:index/retry') @HttpCode(202)
  retry(@CurrentUser() u: UserRow, @Param('id') id: string, @Param('index') index: string, @Body() body: unknown) {
    return this.storyboards.retry(u.id, id, parseInput(SceneIndex, index), parseInput(RetrySceneRequest, body));
  }

  @Post('storyboards/:id/cancel') @HttpCode(200)
  cancel(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.storyboards.cancel(u.id, id);
  }
}
