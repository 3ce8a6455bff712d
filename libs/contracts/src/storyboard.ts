import type { AssetStatus } from './status.js';

/**
 * A storyboard: one idea planned into scenes, each scene a video generated from the last frame of
 * the one before, stitched into one film. PLANNED while its scenes may be edited; RUNNING while
 * scenes, frames and the film are made; COMPLETED with `final_asset_id`; FAILED with the reason
 * (a scene failed, its successors did not start); CANCELED by a person.
 */
export const STORYBOARD_STATUSES = ['PLANNED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED'] as const;
export type StoryboardStatus = (typeof STORYBOARD_STATUSES)[number];

/** Most scenes a storyboard may have. */
export const MAX_STORYBOARD_SCENES = 12;

/** `local`: the built-in planner (deterministic, no keys); otherwise a chat model on a provider (OpenAI, or a template provider speaking OpenAI's chat completions). */
export type StoryboardPlanner = 'local' | { provider_id: string; model: string };

export interface StoryboardSceneDto {
  index: number;
  prompt: string;
  /** The scene's video asset, once it was started (its card on the board). */
  asset_id: string | null;
  /** The image asset holding the scene's last frame: the input of the next scene. */
  frame_asset_id: string | null;
  /** PLANNED before its video asset exists, then that asset's status. */
  status: 'PLANNED' | AssetStatus;
}

export interface StoryboardCostDto {
  /** Credits all scenes cost at the model's price, before anything is paid for. */
  estimated: number;
  /** Credits of the scene videos generated so far (retried scenes count again). */
  so_far: number;
}

export interface StoryboardDto {
  id: string;
  box_id: string;
  status: StoryboardStatus;
  prompt: string;
  ai_model_id: string;
  generation_config: Record<string, unknown>;
  image_asset_id: string | null;
  /** `local`, or `<provider name>: <model>`. */
  planner: string;
  scenes: StoryboardSceneDto[];
  final_asset_id: string | null;
  cost: StoryboardCostDto;
  /** Seconds the whole run is expected to take, from this model's recent generations (or a default). */
  estimated_seconds: number;
  error_message: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  /** When the plan (and its continuity pass) were made. */
  planned_at: string | null;
  started_at: string | null;
  completed_at: string | null;
}

export interface CreateStoryboardRequest {
  prompt: string;
  ai_model_id: string;
  /** How many scenes to plan, 1–12. */
  scenes: number;
  generation_config?: Record<string, unknown>;
  /** A finished image of the box that scene 1 starts from. */
  image_asset_id?: string;
  planner?: StoryboardPlanner;
}

/** While PLANNED: the scenes in their new order (edit, reorder, add, remove); the idea itself may be renamed. */
export interface UpdateStoryboardRequest {
  prompt?: string;
  scenes?: { prompt: string }[];
}

export interface RetrySceneRequest { prompt?: string }

export interface StoryboardEvent { box_id: string; seq: number; storyboard: StoryboardDto }
