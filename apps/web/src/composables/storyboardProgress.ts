import type { AssetDto, StoryboardDto } from '@genbox/contracts';

/** One step of a storyboard's timeline: plan → continuity → scene 1 → frame 1 → scene 2 → … → film. */
export interface TimelineStep {
  key: string;
  kind: 'plan' | 'continuity' | 'scene' | 'frame' | 'film';
  label: string;
  /** PLANNED before it started, then its asset's status (the plan steps: PROCESSING while the planner works, then COMPLETED or FAILED). */
  status: 'PLANNED' | AssetDto['status'];
  assetId: string | null;
  sceneIndex: number | null;
}

/**
 * The steps of a storyboard, with each status taken from the newest copy of its asset the board
 * has (assets move live; the storyboard event comes only when a step starts or ends).
 */
export function timelineOf(sb: StoryboardDto, asset: (id: string) => AssetDto | undefined): TimelineStep[] {
  const status = (id: string | null, fallback: TimelineStep['status']) => (id ? asset(id)?.status ?? fallback : 'PLANNED');
  const steps: TimelineStep[] = [
    { key: 'plan', kind: 'plan', label: `Plan (${sb.planner})`, status: planStatus(sb, sb.drafted_at, true), assetId: null, sceneIndex: null },
    { key: 'continuity', kind: 'continuity', label: 'Continuity', status: planStatus(sb, sb.planned_at, !!sb.drafted_at), assetId: null, sceneIndex: null },
  ];
  for (const s of sb.scenes) {
    steps.push({ key: `scene-${s.index}`, kind: 'scene', label: `Scene ${s.index + 1}`, status: status(s.asset_id, s.status), assetId: s.asset_id, sceneIndex: s.index });
    if (s.index < sb.scenes.length - 1) steps.push({ key: `frame-${s.index}`, kind: 'frame', label: `Last frame ${s.index + 1}`, status: status(s.frame_asset_id, 'COMPLETED'), assetId: s.frame_asset_id, sceneIndex: s.index });
  }
  steps.push({ key: 'film', kind: 'film', label: 'Film', status: status(sb.final_asset_id, 'PROCESSING'), assetId: sb.final_asset_id, sceneIndex: null });
  return steps;
}

/** A planning step: done once its time is stored; before, working while PLANNING (or failed, or canceled) once it has begun. */
function planStatus(sb: StoryboardDto, doneAt: string | null, begun: boolean): TimelineStep['status'] {
  if (doneAt) return 'COMPLETED';
  if (!begun) return 'PLANNED';
  return sb.status === 'PLANNING' ? 'PROCESSING' : sb.status === 'CANCELED' ? 'CANCELED' : 'FAILED';
}

/** Share of the steps done, 0–100. */
export function progressOf(steps: TimelineStep[]): number {
  return Math.round((100 * steps.filter((s) => s.status === 'COMPLETED').length) / steps.length);
}

/** "42 s", "3 min 5 s". */
export function formatSeconds(s: number): string {
  const t = Math.max(0, Math.round(s));
  return t < 60 ? `${t} s` : `${Math.floor(t / 60)} min${t % 60 ? ` ${t % 60} s` : ''}`;
}

/** Seconds the run has taken so far (to its end once it stopped). */
export function elapsedOf(sb: StoryboardDto, now: number): number {
  if (!sb.started_at) return 0;
  const end = sb.completed_at && sb.status !== 'RUNNING' ? Date.parse(sb.completed_at) : now;
  return (end - Date.parse(sb.started_at)) / 1000;
}

/**
 * The expected length of the whole run as a person should read it: "about 4 min" when every
 * scene's model has finished runs here to measure from; otherwise a range, marked as a guess.
 */
export function estimateText(sb: Pick<StoryboardDto, 'estimated_seconds' | 'time_estimate'>): string {
  const e = sb.time_estimate;
  if (e.basis === 'history') return `about ${formatSeconds(sb.estimated_seconds)} (from ${e.runs} earlier run${e.runs === 1 ? '' : 's'})`;
  return `roughly ${formatSeconds(e.low_seconds)} to ${formatSeconds(e.high_seconds)} (a guess: no finished runs of this model yet)`;
}
