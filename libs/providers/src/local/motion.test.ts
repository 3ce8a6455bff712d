import { describe, expect, it } from 'vitest';
import { cropAt, MOTIONS } from './motion.js';

const W = 1280;
const H = 720;

describe('camera motion', () => {
  it.each(MOTIONS)('%s always shows a window inside the picture, in the frame shape', (motion) => {
    for (let p = 0; p <= 1; p += 0.1) {
      const w = cropAt(motion, p, W, H);
      expect(w.left).toBeGreaterThanOrEqual(0);
      expect(w.top).toBeGreaterThanOrEqual(0);
      expect(w.left + w.width).toBeLessThanOrEqual(W);
      expect(w.top + w.height).toBeLessThanOrEqual(H);
      expect(w.width / w.height).toBeCloseTo(W / H, 1);
    }
  });

  it('zoom-in opens on the whole picture and closes in on its centre', () => {
    expect(cropAt('zoom-in', 0, W, H)).toEqual({ left: 0, top: 0, width: W, height: H });
    const end = cropAt('zoom-in', 1, W, H);
    expect(end.width).toBeLessThan(W);
    expect(Math.abs(end.left + end.width / 2 - W / 2)).toBeLessThanOrEqual(1); // whole pixels
  });

  it('pan-right travels from the left edge to the right edge', () => {
    expect(cropAt('pan-right', 0, W, H).left).toBe(0);
    const end = cropAt('pan-right', 1, W, H);
    expect(end.left + end.width).toBe(W);
  });
});
