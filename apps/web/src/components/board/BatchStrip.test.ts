// @vitest-environment happy-dom
import type { AssetDto, BatchDto } from '@genbox/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configureHttp } from '../../api/http';
import { useAssetsStore } from '../../stores/assets';
import { makeAsset } from '../../test/fixtures';
import { createHttpFake } from '../../test/httpFake';
import BatchStrip from './BatchStrip.vue';

const member = (status: AssetDto['status'], batch = 'b1') =>
  makeAsset({ box_id: 'box-1', status, batch_id: batch, source_type: 'GENERATED', prompt: 'koi pond', ai_model: { id: 'm1', name: 'Slow model', slug: 'slow' }, created_at: '2025-01-01T10:00:00.000Z' });
const counts = (c: Partial<BatchDto['counts']>) => ({ PENDING: 0, PROCESSING: 0, COMPLETED: 0, FAILED: 0, CANCELED: 0, ...c });

function setup(batch: BatchDto, opts: { canEdit?: boolean; assets?: AssetDto[] } = {}) {
  const canceledAssets = (opts.assets ?? []).map((a) => ({ ...a, status: 'CANCELED' as const, updated_at: '2025-01-01T11:00:00.000Z' }));
  const http = createHttpFake({
    [`GET /api/boxes/box-1/batches/${batch.id}`]: () => ({ status: 200, body: batch }),
    [`POST /api/boxes/box-1/batches/${batch.id}/cancel`]: () => ({ status: 200, body: { canceled: canceledAssets, batch: { ...batch, counts: counts({ CANCELED: batch.total }), queue_position: null } } }),
  });
  configureHttp({ fetch: http.fetch, getToken: () => 'tok' });
  const pinia = createPinia();
  const props = { boxId: 'box-1', assets: opts.assets ?? [], canEdit: opts.canEdit ?? true };
  const wrapper = mount(BatchStrip, { props, global: { plugins: [pinia] } });
  /** A new list, as the store gives one on every asset event. */
  // (the .vue shim declares no props, so the type checker cannot know `assets`)
  const setAssets = (assets: AssetDto[]) => wrapper.setProps({ ...props, assets } as never);
  return { wrapper, http, setAssets, store: useAssetsStore(pinia) };
}

const settle = async (ms = 700) => {
  await vi.advanceTimersByTimeAsync(ms);
  await flushPromises();
};

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the batch strip', () => {
  it("shows the whole batch as the server counts it, with its queue position, though only two of its eight are loaded", async () => {
    const loaded = [member('PENDING'), member('PROCESSING')];
    const { wrapper, http } = setup({ id: 'b1', box_id: 'box-1', total: 8, counts: counts({ PENDING: 5, PROCESSING: 2, COMPLETED: 1 }), queue_position: 4, box_paused: false }, { assets: loaded });
    await settle();
    const strip = wrapper.get('[data-testid="batch"]');
    expect(strip.text()).toContain('Batch of 8');
    expect(strip.text()).toContain('“koi pond”');
    expect(wrapper.get('[data-testid="batch-progress"]').text()).toBe('1 done · 2 running · 5 queued');
    expect(wrapper.get('[data-testid="batch-queue-position"]').text()).toBe('#4 in queue');
    expect(http.calls.filter((c) => c.method === 'GET')).toHaveLength(1);
  });

  it('reads the batch again after an asset event, once per burst, and not in between', async () => {
    const loaded = [member('PENDING'), member('PENDING')];
    const { http, setAssets } = setup({ id: 'b1', box_id: 'box-1', total: 2, counts: counts({ PENDING: 2 }), queue_position: 2, box_paused: false }, { assets: loaded });
    await settle();
    await settle(5000);
    expect(http.calls).toHaveLength(1);
    // three events in a burst
    for (const s of ['PROCESSING', 'PENDING', 'PROCESSING'] as const) await setAssets([{ ...loaded[0]!, status: s }, loaded[1]!]);
    await settle();
    expect(http.calls).toHaveLength(2);
  });

  it('Cancel all asks the server once for the whole batch and shows its members CANCELED', async () => {
    const loaded = [member('PENDING'), member('PROCESSING')];
    const { wrapper, http, store } = setup({ id: 'b1', box_id: 'box-1', total: 2, counts: counts({ PENDING: 1, PROCESSING: 1 }), queue_position: 1, box_paused: false }, { assets: loaded });
    store.replace('box-1', loaded);
    await settle();
    expect(wrapper.get('[data-testid="batch-queue-position"]').text()).toBe('Next in queue');
    await wrapper.get('[data-testid="batch-cancel-all"]').trigger('click');
    await flushPromises();
    expect(http.calls.filter((c) => c.method === 'POST').map((c) => c.url.pathname)).toEqual(['/api/boxes/box-1/batches/b1/cancel']);
    expect(store.list('box-1').map((a) => a.status)).toEqual(['CANCELED', 'CANCELED']);
    // the batch has nothing in flight any more: it leaves the strip
    expect(wrapper.find('[data-testid="batch"]').exists()).toBe(false);
  });

  it('offers a viewer no Cancel all, and says a paused batch waits for Resume', async () => {
    const { wrapper } = setup({ id: 'b1', box_id: 'box-1', total: 3, counts: counts({ PENDING: 3 }), queue_position: null, box_paused: true }, { canEdit: false, assets: [member('PENDING')] });
    await settle();
    expect(wrapper.get('[data-testid="batch-queue-position"]').text()).toBe('Paused: waits for Resume');
    expect(wrapper.find('[data-testid="batch-cancel-all"]').exists()).toBe(false);
  });
});
