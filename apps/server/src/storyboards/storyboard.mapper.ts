import type { StoryboardDto } from '@genbox/contracts';
import type { StoryboardWithScenes } from './storyboards.repository.js';

/** Seconds a run spends besides its scenes: frames, stitching, the hand-overs between steps. */
const OVERHEAD_S = { base: 5, perScene: 2 };

/** The one mapping from rows to the wire shape (REST and `storyboard.updated` alike). */
export function toStoryboardDto({ row, scenes }: StoryboardWithScenes): StoryboardDto {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const price = Number(row.model_cost);
  // while PLANNING there are no scenes yet: the estimate is for the number asked for
  const count = scenes.length || row.scene_count;
  const finished = scenes.filter((s) => s.asset_status === 'COMPLETED').length;
  return {
    id: row.id,
    box_id: row.box_id,
    status: row.status,
    prompt: row.prompt,
    ai_model_id: row.model_id,
    generation_config: row.generation_config ?? {},
    image_asset_id: row.image_asset_id,
    planner: row.planner,
    scenes: scenes.map((s) => ({ index: s.index, prompt: s.prompt, asset_id: s.asset_id, frame_asset_id: s.frame_asset_id, status: s.asset_status ?? 'PLANNED' })),
    final_asset_id: row.final_asset_id,
    cost: { estimated: price * count, so_far: Number(row.discarded_cost) + price * finished },
    estimated_seconds: Math.round(count * (row.scene_seconds + OVERHEAD_S.perScene) + OVERHEAD_S.base),
    error_message: row.error_message,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    drafted_at: iso(row.drafted_at),
    planned_at: iso(row.planned_at),
    started_at: iso(row.started_at),
    completed_at: iso(row.completed_at),
  };
}
