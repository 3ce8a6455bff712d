import type { AssetDto, StoryboardDto } from '@genbox/contracts';
import { describe, expect, it } from 'vitest';
import { makeAsset } from '../test/fixtures';
import { elapsedOf, estimateText, formatSeconds, progressOf, timelineOf } from './storyboardProgress';

const sb = (over: Partial<StoryboardDto> = {}): StoryboardDto => ({
  id: 'sb-1', box_id: 'box-1', status: 'RUNNING', prompt: 'idea', ai_model_id: 'm', generation_config: {}, image_asset_id: null, planner: 'local',
  scenes: [
    { index: 0, prompt: 'a', asset_id: 's0', frame_asset_id: 'f0', status: 'COMPLETED', ai_model_id: 'm0', cost: 10, failure: null },
    { index: 1, prompt: 'b', asset_id: 's1', frame_asset_id: null, status: 'PENDING', ai_model_id: 'm', cost: 10, failure: null },
    { index: 2, prompt: 'c', asset_id: null, frame_asset_id: null, status: 'PLANNED', ai_model_id: 'm', cost: 10, failure: null },
  ],
  final_asset_id: null, cost: { estimated: 30, so_far: 10 }, estimated_seconds: 60, time_estimate: { low_seconds: 40, high_seconds: 90, basis: 'history', runs: 12 },
  error_message: null, failure: null, created_by: 'u',
  created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z', drafted_at: '2025-01-01T00:00:00Z', planned_at: '2025-01-01T00:00:00Z', started_at: '2025-01-01T00:00:10Z', completed_at: null,
  ...over,
});

describe('a storyboard timeline', () => {
  it('lists plan, scenes with their frames, and the film; a scene shows its live asset, newer than the storyboard', () => {
    const live: Record<string, AssetDto> = { s1: makeAsset({ id: 's1', status: 'PROCESSING' }) };
    const steps = timelineOf(sb(), (id) => live[id]);
    expect(steps.map((s) => `${s.kind}:${s.status}`)).toEqual(['plan:COMPLETED', 'continuity:COMPLETED', 'scene:COMPLETED', 'frame:COMPLETED', 'scene:PROCESSING', 'frame:PLANNED', 'scene:PLANNED', 'film:PLANNED']);
    expect(progressOf(steps)).toBe(50);
  });

  it('shows the planner at work while PLANNING: the plan, then the continuity pass, and which one failed', () => {
    const kinds = (over: Partial<StoryboardDto>) => timelineOf(sb({ scenes: [], planned_at: null, ...over }), () => undefined).slice(0, 2).map((s) => `${s.kind}:${s.status}`);
    expect(kinds({ status: 'PLANNING', drafted_at: null })).toEqual(['plan:PROCESSING', 'continuity:PLANNED']);
    expect(kinds({ status: 'PLANNING' })).toEqual(['plan:COMPLETED', 'continuity:PROCESSING']);
    expect(kinds({ status: 'FAILED', drafted_at: null })).toEqual(['plan:FAILED', 'continuity:PLANNED']);
    expect(kinds({ status: 'FAILED' })).toEqual(['plan:COMPLETED', 'continuity:FAILED']);
  });

  it('says time as a person reads it, and stops the clock when the run stopped', () => {
    expect(formatSeconds(42)).toBe('42 s');
    expect(formatSeconds(185)).toBe('3 min 5 s');
    expect(elapsedOf(sb(), Date.parse('2025-01-01T00:01:10Z'))).toBe(60);
    expect(elapsedOf(sb({ status: 'COMPLETED', completed_at: '2025-01-01T00:00:40Z' }), Date.parse('2025-01-01T01:00:00Z'))).toBe(30);
  });

  it('says how long the run takes as "about" when measured, and as a range marked as a guess when not', () => {
    expect(estimateText(sb())).toBe('about 1 min (from 12 earlier runs)');
    expect(estimateText(sb({ estimated_seconds: 200, time_estimate: { low_seconds: 95, high_seconds: 1205, basis: 'default', runs: 0 } })))
      .toBe('roughly 1 min 35 s to 20 min 5 s (a guess: no finished runs of this model yet)');
  });
});
