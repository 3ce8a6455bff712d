import { describe, expect, it } from 'vitest';
import { makeAsset } from '../../test/fixtures';
import { batchView, liveBatchIds, queueLabel } from './batches';
import { failureText } from './failureText';
import { aspectOf, justify, rowsIn } from './justifiedLayout';

describe('justified rows', () => {
  it('fills each row to the width, keeps every card at its aspect ratio, and leaves the last row at the target height', () => {
    const aspects = [16 / 9, 1, 0.75, 16 / 9, 16 / 9, 1, 1];
    const { slots, rows, height } = justify(aspects, { width: 1000, targetHeight: 200, gap: 10, footer: 50 });
    for (const r of rows.slice(0, -1)) {
      const last = slots[r.end - 1]!;
      expect(last.x + last.width).toBeCloseTo(1000, 5);
      for (let i = r.start; i < r.end - 1; i++) expect(slots[i]!.width / slots[i]!.mediaHeight).toBeCloseTo(aspects[i]!, 5);
    }
    const lastRow = rows[rows.length - 1]!;
    expect(slots[lastRow.start]!.mediaHeight).toBe(200);
    expect(height).toBe(lastRow.y + lastRow.height);
  });

  it('finds the rows in a band by their position, for 10,000 cards', () => {
    const { rows } = justify(new Array(10_000).fill(1), { width: 1200, targetHeight: 230, gap: 12, footer: 62 });
    const { first, last } = rowsIn(rows, 50_000, 51_000);
    expect(rows[first]!.y + rows[first]!.height).toBeGreaterThanOrEqual(50_000);
    expect(rows[first - 1]!.y + rows[first - 1]!.height).toBeLessThan(50_000);
    expect(rows[last - 1]!.y).toBeLessThanOrEqual(51_000);
    expect(last - first).toBeLessThan(8);
  });

  it('holds extreme shapes to a readable range and treats unknown sizes as square', () => {
    expect(aspectOf(1000, 10)).toBe(2.4);
    expect(aspectOf(10, 1000)).toBe(0.7);
    expect(aspectOf(null, 500)).toBe(1);
  });
});

describe('failure texts', () => {
  it('say who can fix it and offer Retry only where retrying can help', () => {
    expect(failureText(makeAsset({ status: 'FAILED', error_code: 'provider_auth' }))).toMatchObject({ retryHelps: false, text: expect.stringContaining('ask an admin') });
    expect(failureText(makeAsset({ status: 'FAILED', error_code: 'provider_rate_limited' }))).toMatchObject({ retryHelps: true });
    expect(failureText(makeAsset({ status: 'FAILED', error_code: 'provider_content_filtered' }))?.text).toContain('Rephrase');
    expect(failureText(makeAsset({ status: 'COMPLETED' }))).toBeNull();
  });
});

describe('batches', () => {
  it('are the server-named groups with a member in flight, oldest first; two identical runs at once are two batches, and assets without a batch join none', () => {
    const same = { prompt: 'koi', ai_model_id: 'm1', generation_config: { seed: 1 }, source_type: 'GENERATED' as const, created_at: '2025-01-01T10:00:00.000Z' };
    const runA = ['PENDING', 'COMPLETED'].map((status) => makeAsset({ ...same, status: status as never, batch_id: 'batch-a' }));
    const runB = ['PROCESSING', 'PENDING'].map((status) => makeAsset({ ...same, status: status as never, batch_id: 'batch-b', created_at: '2025-01-01T10:00:01.000Z' }));
    const finished = makeAsset({ ...same, status: 'COMPLETED', batch_id: 'batch-done' });
    const singles = [makeAsset({ ...same, status: 'PENDING' }), makeAsset({ ...same, status: 'PENDING' })];
    expect(liveBatchIds([...runB, ...singles, finished, ...runA])).toEqual(['batch-a', 'batch-b']);
  });

  it("shows the server's counts and position, and leaves once nothing is in flight", () => {
    const member = makeAsset({ prompt: 'koi', ai_model: { id: 'm1', name: 'Koi model', slug: 'koi' }, batch_id: 'b1' });
    const state = { id: 'b1', box_id: 'box-1', total: 8, counts: { PENDING: 5, PROCESSING: 2, COMPLETED: 1, FAILED: 0, CANCELED: 0 }, queue_position: 3, box_paused: false };
    const view = batchView(state, member)!;
    expect(view).toMatchObject({ size: 8, prompt: 'koi', model: 'Koi model', done: 1, running: 2, queued: 5 });
    expect(queueLabel(view)).toBe('#3 in queue');
    expect(queueLabel(batchView({ ...state, queue_position: 1 }, member)!)).toBe('Next in queue');
    expect(queueLabel(batchView({ ...state, queue_position: null, box_paused: true }, member)!)).toBe('Paused: waits for Resume');
    expect(batchView({ ...state, counts: { PENDING: 0, PROCESSING: 0, COMPLETED: 6, FAILED: 0, CANCELED: 2 } }, member)).toBeNull();
  });
});
