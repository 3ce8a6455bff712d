// @vitest-environment happy-dom
import type { AnalyticsDto, BoxDto } from '@genbox/contracts';
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { configureHttp } from '../api/http';
import { useSessionStore } from '../stores/session';
import { createHttpFake } from '../test/httpFake';
import AnalyticsView from './AnalyticsView.vue';

const box: BoxDto = { id: 'box-1', name: 'Spring shoot', owner_id: 'u-me', role: 'owner', seq: 1, paused: false, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z' };
const outcomes = { count: 3, completed: 2, failed: 1, canceled: 0 };
const report: AnalyticsDto = {
  box_id: 'box-1', from: null, to: null, total: 3, completed: 2, failed: 1, canceled: 0, in_progress: 0, success_rate: 2 / 3,
  generation_seconds: { p50: 12, p95: 95 }, queue_wait_seconds: { p50: 1, p95: 4 },
  models: [{
    model_id: 'm-1', name: '=HYPERLINK("http://evil.test","click")', slug: 'evil', ...outcomes, cost: 4, list_cost: 6, avg_seconds: 30,
    generation_seconds: { p50: 12, p95: 95 }, queue_wait_seconds: { p50: 1, p95: 4 }, provider_costs: [{ unit: 'usd', amount: 0.04, runs: 1 }],
  }],
  people: [
    { user_id: 'u-1', name: '@Ann', email: 'ann@x.test', ...outcomes, cost: 4 },
    { user_id: 'u-2', name: '-Bo "the boss"', email: null, count: 0, completed: 0, failed: 0, canceled: 0, cost: 0 },
  ],
  failures: [{ cause: 'The provider refused these settings. Change the prompt or settings and run it again (Remix).', fixed_by: 'editor', count: 1, codes: [{ error_code: 'provider_bad_request', count: 1, sample_message: null }] }],
  days: [{ day: '2026-01-10', count: 2, completed: 2, failed: 0, canceled: 0, cost: 4 }, { day: '2026-01-12', count: 1, completed: 0, failed: 1, canceled: 0, cost: 0 }],
  total_cost: 4, total_list_cost: 6, provider_costs: [{ unit: 'usd', amount: 0.04, runs: 1 }],
};

async function openAnalytics(path: string, isAdmin = false) {
  const http = createHttpFake({
    'GET /api/boxes': () => ({ status: 200, body: { items: [box] } }),
    'GET /api/analytics': () => ({ status: 200, body: report }),
  });
  configureHttp({ fetch: http.fetch, getToken: () => 'tok' });
  const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn });
  useSessionStore().user = { id: 'u-me', email: 'me@x.test', display_name: 'Me', is_admin: isAdmin, created_at: '', credits: 0 };
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/analytics', component: AnalyticsView }] });
  await router.push(path);
  const wrapper = mount(AnalyticsView, { global: { plugins: [pinia, router] }, attachTo: document.body });
  await flushPromises();
  const asked = () => http.calls.filter((c) => c.url.pathname === '/api/analytics').map((c) => Object.fromEntries(c.url.searchParams));
  return { wrapper, router, asked };
}

describe('the analytics page', () => {
  afterEach(() => {
    document.body.replaceChildren();
    vi.restoreAllMocks();
  });

  it('charts runs per day, the quiet day between as an empty bar, each bar told in words', async () => {
    const { wrapper } = await openAnalytics('/analytics?box=box-1');
    const bars = wrapper.findAll('[data-testid="analytics-day"]');
    expect(bars.map((b) => b.attributes('aria-label'))).toEqual([
      'Sat, 10 Jan 2026: 2 runs, 2 finished, 0 failed, 0 canceled',
      'Sun, 11 Jan 2026: no runs',
      'Mon, 12 Jan 2026: 1 run, 0 finished, 1 failed, 0 canceled',
    ]);
    // the busiest day is full height, the others in proportion
    expect(bars.map((b) => b.attributes('style'))).toEqual(['height: 100%;', 'height: 0%;', 'height: 50%;']);
  });

  it('shows what a lead reads: runs, success, p50/p95 per model, credits charged beside today\'s price, people, failures by cause', async () => {
    const { wrapper } = await openAnalytics('/analytics?box=box-1');
    const text = wrapper.text();
    expect(wrapper.get('[data-testid="analytics-total"]').text()).toBe('3');
    expect(wrapper.get('[data-testid="analytics-success"]').text()).toBe('67%');
    expect(wrapper.get('[data-testid="analytics-model-runtime"]').text()).toBe('12 s / 1:35');
    expect(wrapper.get('[data-testid="analytics-model-cost"]').text()).toContain("6 at today's price");
    expect(wrapper.findAll('[data-testid="analytics-person-row"]').map((r) => r.find('th').text())).toEqual(['@Annann@x.test', '-Bo "the boss"']);
    expect(text).toContain('The provider refused these settings');
    expect(text).toContain('Whoever runs it: change the prompt or settings');
    expect(wrapper.find('[data-testid="analytics-cause-codes"]').exists()).toBe(false); // codes are for admins
    expect(wrapper.get('[aria-labelledby="h-models"] [role="img"]').attributes('aria-label')).toBe('3 runs: 2 finished, 1 failed, 0 canceled');
  });

  it('a custom range lives in the URL and asks for the first day through the end of the last day', async () => {
    const { wrapper, router, asked } = await openAnalytics('/analytics?box=box-1');
    expect(asked()[0]).toMatchObject({ box_id: 'box-1', from: expect.any(String) });
    await wrapper.get('[data-testid="analytics-range"]').setValue('custom');
    await flushPromises();
    expect(router.currentRoute.value.query).toMatchObject({ range: 'custom', from: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), to: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    await wrapper.get('[data-testid="analytics-from"]').setValue('2026-03-01');
    await flushPromises();
    await wrapper.get('[data-testid="analytics-to"]').setValue('2026-03-31');
    await flushPromises();
    expect(router.currentRoute.value.query).toMatchObject({ box: 'box-1', range: 'custom', from: '2026-03-01', to: '2026-03-31' });
    expect(asked().at(-1)).toEqual({ box_id: 'box-1', from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });

    // a shared link opens on the same days; days in the wrong order are refused before asking
    const shared = await openAnalytics('/analytics?box=box-1&range=custom&from=2026-03-01&to=2026-03-31');
    expect(shared.asked()).toEqual([{ box_id: 'box-1', from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' }]);
    expect((shared.wrapper.get('[data-testid="analytics-from"]').element as HTMLInputElement).value).toBe('2026-03-01');
    const backwards = await openAnalytics('/analytics?box=box-1&range=custom&from=2026-03-31&to=2026-03-01');
    expect(backwards.asked()).toEqual([]);
    expect(backwards.wrapper.text()).toContain('The last day comes before the first day.');
  });

  it('exports a CSV with per-model and per-person rows whose text cannot run as a spreadsheet formula', async () => {
    const { wrapper } = await openAnalytics('/analytics?box=box-1&range=custom&from=2026-03-01&to=2026-03-31');
    let blob: Blob | null = null;
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => ((blob = b as Blob), 'blob:csv'));
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      expect(this.download).toBe('genbox-analytics-2026-03-01_to_2026-03-31.csv');
    });
    await wrapper.get('[data-testid="analytics-csv"]').trigger('click');
    expect(clicked).toHaveBeenCalledOnce();
    const lines = (await blob!.text()).split('\n');
    const model = lines.indexOf(lines.find((l) => l.startsWith('"model"'))!);
    expect(lines[model + 1]).toBe(`"'=HYPERLINK(""http://evil.test"",""click"")",3,2,1,0,12,95,1,4,4,6,"0.04 usd"`);
    const person = lines.findIndex((l) => l.startsWith('"person"'));
    expect(lines[person]).toBe('"person","email","runs","completed","failed","canceled","credits_charged"');
    expect(lines[person + 1]).toBe(`"'@Ann","ann@x.test",3,2,1,0,4`);
    expect(lines[person + 2]).toBe(`"'-Bo ""the boss""",,0,0,0,0,0`);
    expect(lines.find((l) => l.startsWith('"The provider refused'))).toBe('"The provider refused these settings. Change the prompt or settings and run it again (Remix).","editor",1,"provider_bad_request (1)",');
    // no cell anywhere starts, once unquoted, with a formula character
    for (const cell of lines.flatMap((l) => l.split(','))) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+@]/);
  });

  it('an admin sees the technical codes behind each cause', async () => {
    const { wrapper } = await openAnalytics('/analytics', true);
    expect(wrapper.get('[data-testid="analytics-cause-codes"]').text()).toContain('provider_bad_request × 1');
  });
});
