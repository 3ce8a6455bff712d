// @vitest-environment happy-dom
import type { StoryboardDto } from '@genbox/contracts';
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import StoryboardPanel from './StoryboardPanel.vue';

const failed = (over: Partial<StoryboardDto> = {}): StoryboardDto => ({
  id: 'sb-1', box_id: 'box-1', status: 'FAILED', prompt: 'A lighthouse at night', ai_model_id: 'm-video', generation_config: {}, image_asset_id: null, planner: 'local',
  scenes: [
    { index: 0, prompt: 'the lamp turns', asset_id: null, frame_asset_id: null, status: 'PLANNED', ai_model_id: 'm-video', cost: 5, failure: null },
    { index: 1, prompt: 'a ship passes', asset_id: null, frame_asset_id: null, status: 'PLANNED', ai_model_id: 'm-animate', cost: 20, failure: null },
  ],
  final_asset_id: null, cost: { estimated: 25, so_far: 0 }, estimated_seconds: 71, time_estimate: { low_seconds: 26, high_seconds: 191, basis: 'default', runs: 0 },
  error_message: null, failure: { message: 'Scene 1 could not start: its model is not available any more — ask an admin to turn it back on, then re-run from scene 1.', fixed_by: 'admin', retry_helps: false },
  created_by: 'u-1', created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z', drafted_at: '2025-01-01T00:00:00Z', planned_at: '2025-01-01T00:00:00Z',
  started_at: '2025-01-01T00:00:10Z', completed_at: '2025-01-01T00:00:20Z',
  ...over,
});

async function panel(sb: StoryboardDto) {
  const wrapper = mount(StoryboardPanel, { props: { storyboard: sb, canEdit: true }, global: { plugins: [createTestingPinia({ stubActions: false, createSpy: vi.fn })] } });
  await flushPromises();
  return wrapper;
}

describe('the storyboard panel', () => {
  it("shows a member the failure sentence and no technical detail; an admin's copy adds the detail", async () => {
    const member = await panel(failed());
    expect(member.get('[data-testid=storyboard-error]').text()).toContain('ask an admin to turn it back on');
    expect(member.find('[data-testid=storyboard-error-detail]').exists()).toBe(false);

    const admin = await panel(failed({ error_message: 'Scene 1 could not start: the model Local video is not available any more.' }));
    expect(admin.get('[data-testid=storyboard-error-detail]').text()).toContain('the model Local video is not available any more');
  });

  it('prices each scene at its own model and marks a time estimate with no history as a guess', async () => {
    const w = await panel(failed());
    expect(w.get('[data-testid=scene-cost-0]').text()).toBe('5 credits');
    expect(w.get('[data-testid=scene-cost-1]').text()).toBe('20 credits');
    expect(w.get('[data-testid=storyboard-cost]').text()).toBe('cost 0 of 25 credits');
    expect(w.get('[data-testid=storyboard-time]').text()).toContain('roughly 26 s to 3 min 11 s (a guess');
    const measured = await panel(failed({ status: 'COMPLETED', failure: null, time_estimate: { low_seconds: 60, high_seconds: 200, basis: 'history', runs: 6 }, estimated_seconds: 150 }));
    expect(measured.get('[data-testid=storyboard-time]').text()).toContain('about 2 min 30 s (from 6 earlier runs)');
    expect(measured.find('[data-testid=storyboard-error]').exists()).toBe(false);
  });
});
