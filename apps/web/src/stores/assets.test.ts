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

describe('assets store under a view', () => {
  beforeEach(() => { createTestingPinia({ stubActions: false, createSpy: vi.fn }); });

  it('keeps the true count live: a new matching asset adds one, a deletion takes one, a non-matching one is left out', () => {
    const store = useAssetsStore();
    store.views['box-1'] = { sort: 'newest', type: 'VIDEO' };
    store.replace('box-1', [makeAsset({ type: 'VIDEO' })], 'cursor', 120);
    store.put(makeAsset({ type: 'VIDEO', created_at: '2030-01-01T00:00:00.000Z' }), true);
    store.put(makeAsset({ type: 'IMAGE', created_at: '2030-01-01T00:00:01.000Z' }), true);
    expect(store.total('box-1')).toBe(121);
    expect(store.list('box-1').every((a) => a.type === 'VIDEO')).toBe(true);
    store.remove('box-1', store.list('box-1')[0]!.id);
    expect(store.total('box-1')).toBe(120);
  });

  it('an update of an asset older than the loaded pages waits for its page instead of landing at the end', () => {
    const store = useAssetsStore();
    const held = makeAsset({ created_at: '2025-06-01T00:00:00.000Z' });
    store.replace('box-1', [held], 'more', 500);
    store.put(makeAsset({ created_at: '2024-01-01T00:00:00.000Z', status: 'COMPLETED' }));
    expect(store.list('box-1').map((a) => a.id)).toEqual([held.id]);
    expect(store.total('box-1')).toBe(500);
  });

  it('an asset that leaves the view (its status no longer matches) leaves the board', () => {
    const store = useAssetsStore();
    store.views['box-1'] = { sort: 'newest', status: ['FAILED'] };
    const a = makeAsset({ status: 'FAILED' });
    store.replace('box-1', [a], null, 1);
    store.put({ ...a, status: 'PENDING' });
    expect(store.list('box-1')).toEqual([]);
    expect(store.total('box-1')).toBe(0);
  });
});
