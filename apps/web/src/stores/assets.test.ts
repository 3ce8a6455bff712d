// @vitest-environment happy-dom
import { createTestingPinia } from '@pinia/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeAsset } from '../test/fixtures';
import { useAssetsStore } from './assets';

describe('assets store', () => {
  beforeEach(() => { createTestingPinia({ stubActions: false, createSpy: vi.fn }); });

  it('lists a box newest first, whatever order assets arrive in', () => {
    const store = useAssetsStore();
    const old = makeAsset({ created_at: '2025-01-01T10:00:00.000Z' });
    const mid = makeAsset({ created_at: '2025-01-02T10:00:00.000Z' });
    const recent = makeAsset({ created_at: '2025-01-03T10:00:00.000Z' });
    store.upsert(mid);
    store.upsert(recent);
    store.upsert(old);
    store.upsert(makeAsset({ box_id: 'box-2' }));
    expect(store.list('box-1').map((a) => a.id)).toEqual([recent.id, mid.id, old.id]);
  });

  it('an upsert updates the asset in place instead of adding a second card', () => {
    const store = useAssetsStore();
    const a = makeAsset({ status: 'PENDING', updated_at: '2025-01-01T10:00:00.000Z' });
    store.upsert(a);
    store.upsert({ ...a, status: 'PROCESSING', progress: 30, updated_at: '2025-01-01T10:00:01.000Z' });
    expect(store.list('box-1')).toHaveLength(1);
    expect(store.list('box-1')[0]).toMatchObject({ status: 'PROCESSING', progress: 30 });
  });

  it('a late REST answer does not undo a newer state', () => {
    const store = useAssetsStore();
    const a = makeAsset({ status: 'COMPLETED', updated_at: '2025-01-01T10:00:05.000Z' });
    store.upsert(a);
    store.upsert({ ...a, status: 'CANCELED', updated_at: '2025-01-01T10:00:01.000Z' });
    expect(store.get('box-1', a.id)?.status).toBe('COMPLETED');
  });

  it('replace drops what the server no longer has, remove drops one', () => {
    const store = useAssetsStore();
    const [a, b, c] = [makeAsset(), makeAsset(), makeAsset()];
    store.replace('box-1', [a, b]);
    store.replace('box-1', [b, c]);
    store.remove('box-1', c.id);
    expect(store.list('box-1').map((x) => x.id)).toEqual([b.id]);
  });
});
