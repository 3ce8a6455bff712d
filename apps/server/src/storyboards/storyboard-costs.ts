import type { StoryboardCostDto } from '@genbox/contracts';
import { type PricedModel, plannedSceneModel } from './scene-models.js';
import type { SceneRow, StoryboardRow, StoryboardWithScenes } from './storyboards.repository.js';

/**
 * The model a scene runs on and its price: once started, the model its video asset ran on (what
 * the credits hold took); before that, the one it will run on (scene-models.ts). Storyboard
 * planners are chat models outside the catalog, with no price here: planning costs nothing.
 */
export function sceneModelOf(row: StoryboardRow, scene: Pick<SceneRow, 'index' | 'asset_model_id' | 'asset_cost'>): PricedModel | null {
  if (scene.asset_model_id && scene.asset_cost !== null) return { id: scene.asset_model_id, cost: Number(scene.asset_cost) };
  return plannedSceneModel(row, scene.index);
}

/** Credits scenes `from`… cost when they run (again): what run and retry check the balance against up front. */
export function priceToRun({ row, scenes }: StoryboardWithScenes, from = 0): number {
  return scenes.filter((s) => s.index >= from).reduce((t, s) => t + (plannedSceneModel(row, s.index)?.cost ?? 0), 0);
}

/** The estimate (every scene at its model's price; while PLANNING, the number of scenes asked for) and what the finished scene videos cost. */
export function costOf({ row, scenes }: StoryboardWithScenes): StoryboardCostDto {
  const each = scenes.length
    ? scenes.map((s) => sceneModelOf(row, s)?.cost ?? 0)
    : Array.from({ length: row.scene_count }, (_, i) => plannedSceneModel(row, i)?.cost ?? 0);
  const paid = scenes.filter((s) => s.asset_status === 'COMPLETED').reduce((t, s) => t + (sceneModelOf(row, s)?.cost ?? 0), 0);
  return { estimated: sum(each), so_far: Number(row.discarded_cost) + paid };
}

const sum = (xs: number[]) => xs.reduce((t, x) => t + x, 0);
