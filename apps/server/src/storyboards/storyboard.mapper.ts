import { failureOf, type StoryboardDto } from '@genbox/contracts';
import { totalSeconds } from './scene-times.js';
import { costOf, sceneModelOf } from './storyboard-costs.js';
import { UNKNOWN_STORYBOARD_FAILURE } from './storyboard-failures.js';
import type { StoryboardWithScenes } from './storyboards.repository.js';

/**
 * The one mapping from rows to the wire shape (REST and `storyboard.updated` alike). `forAdmin`:
 * the answer goes to an admin alone, who may read the technical reason of a failure with the
 * provider's words (error_message); everyone else, and every broadcast event, gets `failure` only.
 */
export function toStoryboardDto(sb: StoryboardWithScenes, forAdmin = false): StoryboardDto {
  const { row, scenes } = sb;
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  // while PLANNING there are no scenes yet: the estimate is for the number asked for
  const time = totalSeconds(row.time_estimate, row.scene_seconds, scenes.length || row.scene_count);
  return {
    id: row.id,
    box_id: row.box_id,
    status: row.status,
    prompt: row.prompt,
    ai_model_id: row.model_id,
    generation_config: row.generation_config ?? {},
    image_asset_id: row.image_asset_id,
    planner: row.planner,
    scenes: scenes.map((s) => {
      const model = sceneModelOf(row, s);
      return {
        index: s.index, prompt: s.prompt, asset_id: s.asset_id, frame_asset_id: s.frame_asset_id, status: s.asset_status ?? 'PLANNED',
        ai_model_id: model?.id ?? null, cost: model?.cost ?? 0, failure: s.asset_status ? failureOf(s.asset_status, s.asset_error_code) : null,
      };
    }),
    final_asset_id: row.final_asset_id,
    cost: costOf(sb),
    estimated_seconds: time.seconds,
    time_estimate: time.range,
    error_message: forAdmin ? row.error_message : null,
    failure: row.status === 'FAILED' ? row.failure ?? UNKNOWN_STORYBOARD_FAILURE : null,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    drafted_at: iso(row.drafted_at),
    planned_at: iso(row.planned_at),
    started_at: iso(row.started_at),
    completed_at: iso(row.completed_at),
  };
}
