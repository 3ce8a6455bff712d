import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ProviderOutput, SubmitResult } from '../adapter.js';
import { isRetryable, ProviderError } from '../errors.js';
import { posterFrame, probeImage, probeVideo } from '@genbox/media';
import { adapterContext, inputImage, submitRequest } from './local.fixtures.js';
import { LocalAdapter } from './local.adapter.js';

const adapter = new LocalAdapter({ delayMs: 0, fps: 12 });

function onlyOutput(result: SubmitResult): Extract<ProviderOutput, { bytes: Buffer }> {
  expect(result).toMatchObject({ kind: 'finished', result: { status: 'COMPLETED', providerState: 'succeeded' } });
  const outputs = result.result?.outputs ?? [];
  expect(outputs).toHaveLength(1);
  if (!('bytes' in outputs[0]!)) throw new Error('expected inline bytes');
  return outputs[0];
}

const image = async (params: Record<string, unknown>, prompt = 'A lighthouse in fog') =>
  onlyOutput(await adapter.submit(submitRequest('local-image', { params, prompt }), adapterContext())).bytes;

const meanColour = async (img: Buffer) => (await sharp(img).stats()).channels.slice(0, 3).map((c) => c.mean);
const colourDistance = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));

describe('local text-to-image', () => {
  it('makes a PNG of the asked width and height', async () => {
    const result = await adapter.submit(submitRequest('local-image', { params: { width: 320, height: 200, seed: 3 } }), adapterContext());
    const out = onlyOutput(result);
    expect(out.mimeType).toBe('image/png');
    expect(await probeImage(out.bytes)).toMatchObject({ width: 320, height: 200, mimeType: 'image/png' });
  });

  it('takes its shape from the aspect ratio', async () => {
    expect(await probeImage(await image({ aspect_ratio: '9:16', seed: 1 }))).toMatchObject({ width: 576, height: 1024 });
  });

  it('draws the same picture for the same prompt and seed, and another for another seed or prompt', async () => {
    const first = await image({ width: 256, height: 256, seed: 42 });
    expect((await image({ width: 256, height: 256, seed: 42 })).equals(first)).toBe(true);
    expect((await image({ width: 256, height: 256, seed: 43 })).equals(first)).toBe(false);
    expect((await image({ width: 256, height: 256, seed: 42 }, 'A desert at noon')).equals(first)).toBe(false);
  });

  it('gives each asset its own picture when no seed is asked', async () => {
    const ctx = adapterContext();
    const one = onlyOutput(await adapter.submit(submitRequest('local-image', { assetId: 'a', params: { width: 128, height: 128 } }), ctx));
    const two = onlyOutput(await adapter.submit(submitRequest('local-image', { assetId: 'b', params: { width: 128, height: 128 } }), ctx));
    expect(one.bytes.equals(two.bytes)).toBe(false);
  });

  it('keeps a very long prompt inside the picture', async () => {
    const bytes = await image({ width: 200, height: 120, seed: 1 }, 'WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW '.repeat(20));
    expect(await probeImage(bytes)).toMatchObject({ width: 200, height: 120 });
  });
});

describe('local text-to-video', () => {
  it('makes a browser-playable H.264 MP4 of the asked size and duration', async () => {
    const req = submitRequest('local-video', { params: { width: 192, height: 108, duration: 2, seed: 5, motion: 'pan-left' } });
    const out = onlyOutput(await adapter.submit(req, adapterContext()));
    expect(out.mimeType).toBe('video/mp4');
    const info = await probeVideo(out.bytes);
    expect(info).toMatchObject({ width: 192, height: 108, videoCodec: 'h264', mimeType: 'video/mp4' });
    expect(info.durationS).toBeCloseTo(2, 1);
    // faststart: the index comes before the media, so playback starts while the file downloads
    expect(out.bytes.indexOf('moov')).toBeLessThan(out.bytes.indexOf('mdat'));
  });
});

describe('local image-to-video', () => {
  const parent = (format: 'png' | 'jpeg' | 'webp' | 'gif') =>
    sharp({ create: { width: 240, height: 120, channels: 3, background: { r: 220, g: 40, b: 30 } } }).toFormat(format).toBuffer();

  it.each(['png', 'jpeg', 'webp', 'gif'] as const)('animates a %s parent: the video opens on the parent picture, in its shape', async (format) => {
    const bytes = await parent(format);
    const req = submitRequest('local-animate', { params: { duration: 1, motion: 'zoom-in', width: 160 }, input: inputImage(bytes, `p.${format}`) });
    const out = onlyOutput(await adapter.submit(req, adapterContext()));
    const info = await probeVideo(out.bytes);
    expect(info).toMatchObject({ width: 160, height: 80, videoCodec: 'h264' });
    const firstFrame = await posterFrame(out.bytes, { atS: 0, format: 'jpeg' });
    expect(colourDistance(await meanColour(firstFrame), await meanColour(bytes))).toBeLessThan(25);
  });

  it('fails with missing_input_image when there is no parent', async () => {
    const failure = adapter.submit(submitRequest('local-animate', { params: { duration: 1 } }), adapterContext());
    await expect(failure).rejects.toMatchObject({ code: 'missing_input_image', retry: false });
  });

  it('fails for good, naming the file, when the parent is not an image', async () => {
    const req = submitRequest('local-animate', { params: { duration: 1 }, input: inputImage(Buffer.from('<html>oops</html>'), 'page.html') });
    const error = await adapter.submit(req, adapterContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(isRetryable(error)).toBe(false);
    expect((error as ProviderError).message).toContain('page.html');
  });
});

describe('local runs as a person sees them', () => {
  it('reports progress in rising steps up to 100 and stays PROCESSING for the delay', async () => {
    const slow = new LocalAdapter({ delayMs: 200 });
    const ctx = adapterContext();
    const started = Date.now();
    await slow.submit(submitRequest('local-image', { params: { width: 64, height: 64, seed: 1 } }), ctx);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(ctx.seen.length).toBeGreaterThanOrEqual(3);
    expect(ctx.seen).toEqual([...ctx.seen].sort((a, b) => a - b));
    expect(new Set(ctx.seen).size).toBe(ctx.seen.length);
    expect(ctx.seen.at(-1)).toBe(100);
  });

  it('stops at once when canceled', async () => {
    const slow = new LocalAdapter({ delayMs: 10_000 });
    const controller = new AbortController();
    const ctx = adapterContext({ signal: controller.signal, progress: () => controller.abort(new Error('canceled by user')) });
    const started = Date.now();
    await expect(slow.submit(submitRequest('local-video', { params: { width: 64, height: 64, duration: 8 } }), ctx)).rejects.toThrow('canceled by user');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops a video that is being encoded when canceled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('canceled mid-render')), 100);
    const started = Date.now();
    const req = submitRequest('local-video', { params: { width: 640, height: 360, duration: 10 } });
    await expect(adapter.submit(req, adapterContext({ signal: controller.signal }))).rejects.toThrow('canceled mid-render');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('has nothing to poll', async () => {
    await expect(adapter.poll()).rejects.toBeInstanceOf(ProviderError);
  });
});
