import { z } from 'zod';
import { AssetFailure } from './failures.js';
import { ASSET_STATUSES } from './status.js';
import { Timestamp } from './user.js';

/**
 * A storyboard: one idea planned into scenes, each scene a video generated from the last frame of
 * the one before, stitched into one film. PLANNING while the planner writes the scenes and their
 * continuity pass (two worker jobs); PLANNED while its scenes may be edited; RUNNING while
 * scenes, frames and the film are made; COMPLETED with `final_asset_id`; FAILED with the reason
 * (the planner failed, or a scene failed and its successors did not start); CANCELED by a person.
 */
export const STORYBOARD_STATUSES = ['PLANNING', 'PLANNED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED'] as const;
export type StoryboardStatus = (typeof STORYBOARD_STATUSES)[number];

/** Most scenes a storyboard may have. */
export const MAX_STORYBOARD_SCENES = 12;

/** `local`: the built-in planner (deterministic, no keys); otherwise a chat model on a provider (OpenAI, or a template provider speaking OpenAI's chat completions). */
export const StoryboardPlanner = z.union([z.literal('local'), z.object({ provider_id: z.string().uuid('must be a provider id'), model: z.string().trim().min(1).max(200) }).strict()]);
export type StoryboardPlanner = z.input<typeof StoryboardPlanner>;

export const StoryboardSceneDto = z.strictObject({
  index: z.number().int(),
  prompt: z.string(),
  asset_id: z.string().nullable().describe("The scene's video asset, once it was started (its card on the board)"),
  frame_asset_id: z.string().nullable().describe("The image asset holding the scene's last frame: the input of the next scene"),
  status: z.enum(['PLANNED', ...ASSET_STATUSES]).describe("PLANNED before its video asset exists, then that asset's status"),
  ai_model_id: z.string().nullable().describe("The model that makes this scene: its video asset's model once started, before that the one it will run on (scene 1 may be the provider's text-to-video partner, later scenes its image-to-video partner); null when none is available"),
  cost: z.number().describe("Credits this scene costs at the price of that model"),
  failure: AssetFailure.nullable().describe("What a teammate reads when the scene's video FAILED or was CANCELED; the provider's words stay on the asset, for admins"),
});
export type StoryboardSceneDto = z.infer<typeof StoryboardSceneDto>;

export const StoryboardCostDto = z.strictObject({
  estimated: z.number().describe('Credits all scenes cost, each at the price of the model that runs it (or ran it), before anything is paid for'),
  so_far: z.number().describe('Credits of the scene videos generated so far, each at the price of the model it ran on (retried scenes count again)'),
});
export type StoryboardCostDto = z.infer<typeof StoryboardCostDto>;

export const STORYBOARD_ESTIMATE_BASES = ['history', 'default'] as const;

export const StoryboardTimeEstimateDto = z.strictObject({
  low_seconds: z.number().describe('A quick run: the fast end of the range'),
  high_seconds: z.number().describe('A slow run: the slow end of the range'),
  basis: z.enum(STORYBOARD_ESTIMATE_BASES).describe("history: every scene's model has finished runs here and the figures come from its last 20; default: at least one has none yet, and its figures are the documented default of its provider kind (a rough guess)"),
  runs: z.number().int().describe('Finished runs of the scene models the figures were measured from (0 with no history)'),
});
export type StoryboardTimeEstimateDto = z.infer<typeof StoryboardTimeEstimateDto>;

export const StoryboardDto = z
  .strictObject({
    id: z.string(),
    box_id: z.string(),
    status: z.enum(STORYBOARD_STATUSES),
    prompt: z.string(),
    ai_model_id: z.string(),
    generation_config: z.record(z.string(), z.unknown()),
    image_asset_id: z.string().nullable(),
    planner: z.string().describe('`local`, or `<provider name>: <model>`'),
    scenes: z.array(StoryboardSceneDto),
    final_asset_id: z.string().nullable(),
    cost: StoryboardCostDto,
    estimated_seconds: z.number().describe("Seconds the whole run is expected to take (the typical figure of time_estimate), measured when planned"),
    time_estimate: StoryboardTimeEstimateDto,
    error_message: z.string().nullable().describe("Admins only (null for everyone else, and in every event): the technical reason it FAILED, with the provider's own words"),
    failure: AssetFailure.nullable().describe('What a teammate reads when the storyboard FAILED: what happened, who can fix it and whether re-running a scene can help; null otherwise'),
    created_by: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
    drafted_at: Timestamp.nullable().describe("When the planner's first pass (the scene prompts) was stored: the plan step runs from created_at to here"),
    planned_at: Timestamp.nullable().describe('When the continuity pass was stored and the storyboard became PLANNED'),
    started_at: Timestamp.nullable(),
    completed_at: Timestamp.nullable(),
  })
  .meta({
    id: 'Storyboard',
    examples: [{
      id: '6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d', box_id: '9b2e4f10-6c3d-4a8b-8e1f-0d2c3b4a5f67', status: 'RUNNING', prompt: 'a paper boat crosses a rainy city',
      ai_model_id: '5b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', generation_config: { duration: '5' }, image_asset_id: null, planner: 'local',
      scenes: [
        { index: 0, prompt: 'a paper boat is set down in a gutter stream, rain on the cobbles', asset_id: '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e', frame_asset_id: '8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e1f', status: 'COMPLETED', ai_model_id: '4a0d1b2c-3d4e-4f5a-9b6c-8d9e0f1a2b3c', cost: 3, failure: null },
        { index: 1, prompt: 'the boat slips under a bridge, neon reflections ripple', asset_id: '9d0e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a', frame_asset_id: null, status: 'PROCESSING', ai_model_id: '5b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', cost: 5, failure: null },
        { index: 2, prompt: 'the boat reaches the harbour at dawn as the rain stops', asset_id: null, frame_asset_id: null, status: 'PLANNED', ai_model_id: '5b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', cost: 5, failure: null },
      ],
      final_asset_id: null, cost: { estimated: 13, so_far: 3 }, estimated_seconds: 240, time_estimate: { low_seconds: 150, high_seconds: 420, basis: 'history', runs: 23 }, error_message: null, failure: null, created_by: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
      created_at: '2026-12-02T09:00:00.000Z', updated_at: '2026-12-02T09:03:10.000Z', drafted_at: '2026-12-02T09:00:00.600Z', planned_at: '2026-12-02T09:00:01.000Z', started_at: '2026-12-02T09:01:00.000Z', completed_at: null,
    }],
  });
export type StoryboardDto = z.infer<typeof StoryboardDto>;

const Prompt = z.string().trim().min(1, 'is required').max(4000);
const ScenePrompts = z
  .array(z.object({ prompt: Prompt }).strict())
  .min(1, 'needs at least one scene')
  .max(MAX_STORYBOARD_SCENES, `has at most ${MAX_STORYBOARD_SCENES} scenes`);

export const CreateStoryboardRequest = z
  .object({
    prompt: Prompt,
    ai_model_id: z.string().uuid('must be a model id'),
    scenes: z.number().int('must be a whole number').min(1).max(MAX_STORYBOARD_SCENES).describe('How many scenes to plan'),
    generation_config: z.record(z.string(), z.unknown()).optional(),
    image_asset_id: z.string().uuid('must be an asset id').optional().describe('A finished image of the box that scene 1 starts from'),
    planner: StoryboardPlanner.optional(),
  })
  .strict()
  .meta({ examples: [{ prompt: 'a paper boat crosses a rainy city', ai_model_id: '5b1e…', scenes: 4, planner: 'local' }] });
export type CreateStoryboardRequest = z.input<typeof CreateStoryboardRequest>;

/** While PLANNED: the scenes in their new order (edit, reorder, add, remove); the idea itself may be renamed. */
export const UpdateStoryboardRequest = z.object({ prompt: Prompt.optional(), scenes: ScenePrompts.optional() }).strict();
export type UpdateStoryboardRequest = z.input<typeof UpdateStoryboardRequest>;

export const RetrySceneRequest = z.object({ prompt: Prompt.optional() }).strict();
export type RetrySceneRequest = z.input<typeof RetrySceneRequest>;

export interface StoryboardEvent { box_id: string; seq: number; storyboard: StoryboardDto }
