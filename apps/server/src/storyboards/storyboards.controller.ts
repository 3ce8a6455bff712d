import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { MAX_STORYBOARD_SCENES } from '@genbox/contracts';
import { z } from 'zod';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser } from '../auth/auth.guard.js';
import { parseInput } from '../common/validate.js';
import { StoryboardsService } from './storyboards.service.js';

const Prompt = z.string().trim().min(1, 'is required').max(4000);
const ScenePrompts = z.array(z.object({ prompt: Prompt }).strict()).min(1, 'needs at least one scene').max(MAX_STORYBOARD_SCENES, `has at most ${MAX_STORYBOARD_SCENES} scenes`);
export const CreateStoryboard = z.object({
  prompt: Prompt,
  ai_model_id: z.string().uuid('must be a model id'),
  scenes: z.number().int('must be a whole number').min(1).max(MAX_STORYBOARD_SCENES),
  generation_config: z.record(z.string(), z.unknown()).optional(),
  image_asset_id: z.string().uuid('must be an asset id').optional(),
  planner: z.union([z.literal('local'), z.object({ provider_id: z.string().uuid('must be a provider id'), model: z.string().trim().min(1).max(200) }).strict()]).optional(),
}).strict();
export const UpdateStoryboard = z.object({ prompt: Prompt.optional(), scenes: ScenePrompts.optional() }).strict();
export const RetryScene = z.object({ prompt: Prompt.optional() }).strict();
const SceneIndex = z.coerce.number().int().min(0).max(MAX_STORYBOARD_SCENES - 1);

@Controller()
export class StoryboardsController {
  constructor(private readonly storyboards: StoryboardsService) {}

  @Post('boxes/:id/storyboards')
  create(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Body() body: unknown) {
    return this.storyboards.create(u.id, boxId, parseInput(CreateStoryboard, body));
  }

  @Get('boxes/:id/storyboards')
  async list(@CurrentUser() u: UserRow, @Param('id') boxId: string) {
    return { items: await this.storyboards.list(u.id, boxId) };
  }

  @Get('storyboards/:id')
  get(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.storyboards.get(u.id, id);
  }

  @Patch('storyboards/:id')
  update(@CurrentUser() u: UserRow, @Param('id') id: string, @Body() body: unknown) {
    return this.storyboards.update(u.id, id, parseInput(UpdateStoryboard, body));
  }

  @Post('storyboards/:id/run') @HttpCode(202)
  run(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.storyboards.run(u.id, id);
  }

  @Post('storyboards/:id/scenes/:index/retry') @HttpCode(202)
  retry(@CurrentUser() u: UserRow, @Param('id') id: string, @Param('index') index: string, @Body() body: unknown) {
    return this.storyboards.retry(u.id, id, parseInput(SceneIndex, index), parseInput(RetryScene, body));
  }

  @Post('storyboards/:id/cancel') @HttpCode(200)
  cancel(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.storyboards.cancel(u.id, id);
  }
}
