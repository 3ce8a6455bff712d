import { describe, expect, it } from 'vitest';
import { makeAsset } from '../../test/fixtures';
import { activeBatches } from './batches';
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
  it('groups the siblings of one run, counts their states, and gives the queue position of the first waiting one', () => {
    const base = { prompt: 'koi', ai_model_id: 'm1', generation_config: { seed: 1 }, source_type: 'GENERATED' as const };
    const older = makeAsset({ ...base, prompt: 'earlier', status: 'PENDING', created_at: '2025-01-01T09:00:00.000Z' });
    const run = ['PENDING', 'PENDING', 'PROCESSING', 'COMPLETED'].map((status, i) => makeAsset({ ...base, status: status as never, created_at: `2025-01-01T10:00:00.00${i}Z` }));
    const unrelated = makeAsset({ ...base, status: 'PENDING', created_at: '2025-01-01T11:00:00.000Z' });
    const [batch, ...rest] = activeBatches([...run, older, unrelated]);
    expect(rest).toEqual([]);
    expect(batch).toMatchObject({ prompt: 'koi', done: 1, running: 1, queued: 2, queuePosition: 2 });
    expect(batch!.assets.map((a) => a.id).sort()).toEqual(run.map((a) => a.id).sort());
  });
});
