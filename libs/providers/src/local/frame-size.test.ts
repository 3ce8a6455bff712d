import { describe, expect, it } from 'vitest';
import { frameSize } from './frame-size.js';

describe('frameSize', () => {
  it.each([
    [{}, 1, { width: 768, height: 768 }],
    [{}, 16 / 9, { width: 1024, height: 576 }],
    [{ aspect_ratio: '1:1' }, 16 / 9, { width: 768, height: 768 }],
    [{ aspect_ratio: '16:9' }, 1, { width: 1024, height: 576 }],
    [{ aspect_ratio: '9:16' }, 1, { width: 576, height: 1024 }],
    [{ aspect_ratio: 'auto' }, 2, { width: 1088, height: 544 }],
    [{ width: 320, height: 200, aspect_ratio: '9:16' }, 1, { width: 320, height: 200 }],
    [{ width: 160 }, 2, { width: 160, height: 80 }],
    [{ width: 321, height: 99 }, 1, { width: 322, height: 100 }], // H.264 needs even sides
    [{ width: 99999, height: 1 }, 1, { width: 2048, height: 64 }],
  ])('%j with fallback ratio %d is %j', (params, fallback, size) => {
    expect(frameSize(params, fallback)).toEqual(size);
  });
});
