// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import CheckResult from './CheckResult.vue';

const bytes = Buffer.from('not really a video, but bytes all the same');
const result = (mime: string) => ({
  ok: true,
  message: 'Made 1 file',
  duration_ms: 1200,
  outputs: [{ mime_type: mime, size_bytes: bytes.length, preview: `data:${mime};base64,${bytes.toString('base64')}` }],
});

describe('CheckResult', () => {
  it('plays a video preview from a blob URL (the page CSP refuses data: video) holding the same bytes', async () => {
    const made: Blob[] = [];
    const createObjectURL = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (b: Blob) => (made.push(b), createObjectURL(b));
    const w = mount(CheckResult, { props: { result: result('video/mp4') } });
    const src = w.get('video').attributes('src')!;
    expect(src.startsWith('blob:')).toBe(true);
    expect(made).toHaveLength(1);
    expect(made[0]!.type).toBe('video/mp4');
    expect(Buffer.from(await made[0]!.arrayBuffer()).equals(bytes)).toBe(true);
    URL.createObjectURL = createObjectURL;
  });

  it('shows an image preview as the data URL it came as (img-src allows data:)', () => {
    const w = mount(CheckResult, { props: { result: result('image/png') } });
    expect(w.get('img').attributes('src')).toMatch(/^data:image\/png;base64,/);
  });
});
