import { type StoryboardFailed, sceneStopped } from './storyboard-failures.js';
import type { StoryboardWithScenes } from './storyboards.repository.js';

/** What a RUNNING storyboard needs next, read from the database alone. */
export type NextStep =
  | { kind: 'scene'; index: number }
  | { kind: 'frame'; index: number }
  | { kind: 'film' }
  | { kind: 'finish' }
  | { kind: 'fail'; failed: StoryboardFailed }
  | { kind: 'wait' };

/**
 * The one rule of a run: scenes in order, each started only once the one before it is COMPLETED
 * and its last frame is stored; the film once every scene is. A scene that failed or was canceled
 * stops its successors, which never start from a missing or wrong frame.
 */
export function nextStep({ row, scenes }: StoryboardWithScenes): NextStep {
  for (const s of scenes) {
    const n = s.index + 1;
    if (!s.asset_id) return { kind: 'scene', index: s.index };
    if (s.asset_status === 'PENDING' || s.asset_status === 'PROCESSING') return { kind: 'wait' };
    if (s.asset_status !== 'COMPLETED') {
      // a scene whose asset was deleted reads as failed with no reason
      return { kind: 'fail', failed: sceneStopped(n, scenes.length, { status: s.asset_status ?? 'FAILED', errorCode: s.asset_error_code, errorMessage: s.asset_error }) };
    }
    const last = s.index === scenes.length - 1;
    if (!last && (!s.frame_asset_id || s.frame_status !== 'COMPLETED')) return { kind: 'frame', index: s.index };
  }
  if (!row.final_asset_id) return { kind: 'film' };
  return { kind: 'finish' };
}
