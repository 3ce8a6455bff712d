// @vitest-environment happy-dom
import type { StoryboardDto } from '@genbox/contracts';
import { createTestingPinia } from '@pinia/testing';
import { flushPromises } from '@vue/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { configureHttp } from '../api/http';
import { createHttpFake } from '../test/httpFake';
import { useStoryboardsStore } from './storyboards';

const running: StoryboardDto = {
  id: 'sb-1', box_id: 'box-1', status: 'RUNNING', prompt: 'A lighthouse at night', ai_model_id: 'm-video', generation_config: {}, image_asset_id: null, planner: 'local',
  scenes: [{ index: 0, prompt: 'the lamp turns', asset_id: null, frame_asset_id: null, status: 'PLANNED', ai_model_id: 'm-video', cost: 5, failure: null }],
  final_asset_id: null, cost: { estimated: 5, so_far: 0 }, estimated_seconds: 30, time_estimate: { low_seconds: 10, high_seconds: 90, basis: 'default', runs: 0 },
  error_message: null, failure: null,
  created_by: 'u-1', created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:01Z', drafted_at: '2025-01-01T00:00:00Z', planned_at: '2025-01-01T00:00:00Z',
  started_at: '2025-01-01T00:00:01Z', completed_at: null,
};
const failure = { message: 'Scene 1 could not start: its model is not available any more — ask an admin to turn it back on, then re-run from scene 1.', fixed_by: 'admin' as const, retry_helps: false };
/** What the event carries: the member copy. */
const failedEvent: StoryboardDto = { ...running, status: 'FAILED', failure, updated_at: '2025-01-01T00:00:09Z', completed_at: '2025-01-01T00:00:09Z' };
/** What REST answers an admin: the same, with the provider's words. */
const adminCopy: StoryboardDto = { ...failedEvent, error_message: 'Scene 1 could not start: the model Local video is not available any more.' };

function setUp() {
  const http = createHttpFake({ 'GET /api/storyboards/sb-1': () => ({ status: 200, body: adminCopy }) });
  configureHttp({ fetch: http.fetch, getToken: () => 'tok' });
  const store = useStoryboardsStore();
  store.put(running);
  return { store, asked: () => http.calls.length };
}

describe('storyboards kept live by events', () => {
  beforeEach(() => { createTestingPinia({ stubActions: false, createSpy: vi.fn }); });

  it("an admin's board reads a storyboard that just failed once over REST, so the technical detail shows without a reload", async () => {
    const { store, asked } = setUp();
    store.applyEvent(failedEvent, true);
    await flushPromises();
    expect(store.get('box-1', 'sb-1')?.error_message).toBe(adminCopy.error_message);
    store.applyEvent(failedEvent, true); // the same failure again (a replay after a reconnect): no second read
    await flushPromises();
    expect(asked()).toBe(1);
  });

  it("a member's board keeps the event's copy and asks nothing", async () => {
    const { store, asked } = setUp();
    store.applyEvent(failedEvent, false);
    await flushPromises();
    expect(store.get('box-1', 'sb-1')).toEqual(failedEvent);
    expect(asked()).toBe(0);
  });
});
