import type { ProviderKind, StoryboardTimeEstimateDto } from '@genbox/contracts';

/** Seconds one scene takes, from request to COMPLETED: typical, with a fast and a slow end. */
export interface SceneSeconds { typical: number; low: number; high: number; runs: number }

/** What a storyboard expects per scene, measured when planned (stored in storyboards.time_estimate). */
export interface TimeEstimate {
  /** Scene 1 (it may run on another model: the provider's text-to-video partner). */
  first: SceneSeconds;
  /** Every later scene (image-to-video from the previous last frame). */
  next: SceneSeconds;
  basis: 'history' | 'default';
  /** Finished runs the figures come from (a model that makes every scene counted once). */
  runs: number;
  /** From a scene's end to its last frame stored (hand-over and extraction), and stitching time per scene of a film (absent on older rows: the fixed overhead). */
  frame?: SceneSeconds;
  stitch?: SceneSeconds;
}

/**
 * Per-scene seconds of a video model with no finished runs here yet, by provider kind: rough
 * figures for a clip of a few seconds, wide on purpose (README: Storyboards). The local provider
 * renders on this machine (seconds when idle, much longer on a busy one); cloud video models
 * queue, then render for one to several minutes.
 */
export const DEFAULT_SCENE_SECONDS: Record<ProviderKind, Omit<SceneSeconds, 'runs'>> = {
  local: { typical: 20, low: 5, high: 60 },
  replicate: { typical: 150, low: 60, high: 420 },
  fal: { typical: 120, low: 45, high: 360 },
  runware: { typical: 120, low: 45, high: 360 },
  kie: { typical: 180, low: 60, high: 600 },
  openai: { typical: 180, low: 90, high: 600 },
  stability: { typical: 90, low: 30, high: 240 },
  template: { typical: 180, low: 60, high: 600 },
};

/**
 * A storyboard's own steps with no finished storyboard here yet to measure: a last frame (its
 * job's hand-over, ffmpeg, storing the image) and stitching, per scene of the film (ffmpeg
 * normalizes every clip, then concatenates). Seconds on a quiet machine to tens on a busy one.
 */
export const DEFAULT_STEP_SECONDS = { frame: { typical: 5, low: 2, high: 15, runs: 0 }, stitch: { typical: 5, low: 2, high: 15, runs: 0 } };
/** Hand-overs between steps no history measures (the run's first job, the film's start). */
const BASE_S = 2;
/** Older rows (no frame and stitch figures): what the first estimates allowed per scene besides it. */
const LEGACY_OVERHEAD_S = { base: 5, perScene: 2 };

/**
 * From the recent runs of the two scene models, or the provider kind's default for one with none
 * (then the whole estimate is a default); frames and stitching from the recent storyboards'
 * measured steps, or their defaults.
 */
export function estimateOf(kind: ProviderKind, first: SceneSeconds | null, next: SceneSeconds | null, sameModel: boolean, steps: { frame: SceneSeconds | null; stitch: SceneSeconds | null }): TimeEstimate {
  const fallback = { ...DEFAULT_SCENE_SECONDS[kind], runs: 0 };
  const runs = (first?.runs ?? 0) + (sameModel ? 0 : next?.runs ?? 0);
  return {
    first: first ?? fallback, next: next ?? fallback, basis: first && next ? 'history' : 'default', runs,
    frame: steps.frame ?? DEFAULT_STEP_SECONDS.frame, stitch: steps.stitch ?? DEFAULT_STEP_SECONDS.stitch,
  };
}

/** The whole run of `count` scenes as the storyboard shows it; a storyboard stored before estimates had ranges shows its one figure. */
export function totalSeconds(estimate: TimeEstimate | null, sceneSeconds: number, count: number): { seconds: number; range: StoryboardTimeEstimateDto } {
  const flat = { typical: sceneSeconds, low: sceneSeconds, high: sceneSeconds, runs: 0 };
  const e = estimate ?? { first: flat, next: flat, basis: 'default' as const, runs: 0 };
  const later = Math.max(0, count - 1);
  // scenes, the last frame of every scene but the last, and the stitch of all of them
  const steps = (k: 'typical' | 'low' | 'high') => (e.frame && e.stitch ? BASE_S + later * e.frame[k] + count * e.stitch[k] : LEGACY_OVERHEAD_S.base + count * LEGACY_OVERHEAD_S.perScene);
  const sum = (k: 'typical' | 'low' | 'high') => Math.round(e.first[k] + later * e.next[k] + steps(k));
  return {
    seconds: sum('typical'),
    range: { low_seconds: sum('low'), high_seconds: sum('high'), basis: e.basis, runs: e.runs },
  };
}
