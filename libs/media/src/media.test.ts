import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { imageThumbnail, InvalidMediaError, posterFrame, probeImage, probeVideo } from './index.js';
import { solidClip } from './media.fixtures.js';

const meanColour = async (img: Buffer) => (await sharp(img).stats()).channels.slice(0, 3).map((c) => Math.round(c.mean));

describe('finding ffmpeg', () => {
  const originalPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = originalPath;
    vi.resetModules();
  });

  it('prefers an ffmpeg installed on the system PATH', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'genbox-path-'));
    await writeFile(join(dir, 'ffmpeg'), '#!/bin/sh\n');
    await chmod(join(dir, 'ffmpeg'), 0o755);
    process.env.PATH = dir;
    vi.resetModules();
    const { ffmpegPath, ffprobePath } = await import('./ffmpeg.js');
    expect(ffmpegPath()).toBe(join(dir, 'ffmpeg'));
    expect(ffprobePath()).toContain('@ffprobe-installer'); // not on that PATH: the bundled one
  });

  it('falls back to the binary that npm installed', async () => {
    process.env.PATH = '/nonexistent';
    vi.resetModules();
    const { ffmpegPath } = await import('./ffmpeg.js');
    expect(ffmpegPath()).toContain('@ffmpeg-installer');
  });
});

describe('probeVideo', () => {
  it('reads size, duration and type of an MP4 from its bytes', async () => {
    const info = await probeVideo(await solidClip({ color: 'red', width: 320, height: 180, seconds: 2 }));
    expect(info).toMatchObject({ width: 320, height: 180, mimeType: 'video/mp4', videoCodec: 'h264', hasAudio: false });
    expect(info.durationS).toBeCloseTo(2, 1);
  });

  it('reads a file by path and knows a WEBM', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'genbox-probe-')), 'clip.webm');
    await writeFile(path, await solidClip({ color: 'blue', width: 160, height: 96, seconds: 1, format: 'webm' }));
    expect(await probeVideo(path)).toMatchObject({ width: 160, height: 96, mimeType: 'video/webm', videoCodec: 'vp9' });
  });

  it('refuses bytes that are not a video', async () => {
    await expect(probeVideo(Buffer.from('hello, not a video'))).rejects.toBeInstanceOf(InvalidMediaError);
  });
});

describe('posterFrame', () => {
  it('is a small WEBP still that shows the video', async () => {
    const poster = await posterFrame(await solidClip({ color: 'red', width: 640, height: 360, seconds: 2 }), { maxSize: 200 });
    const meta = await sharp(poster).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 200, height: 113 });
    const [r, g, b] = await meanColour(poster);
    expect(r).toBeGreaterThan(200);
    expect(g + b).toBeLessThan(60);
  });

  it('still finds a frame in a clip shorter than the default seek', async () => {
    const poster = await posterFrame(await solidClip({ color: 'green', width: 64, height: 64, seconds: 0.5 }), { format: 'jpeg' });
    expect((await sharp(poster).metadata()).format).toBe('jpeg');
  });

  it('refuses bytes that are not a video', async () => {
    await expect(posterFrame(Buffer.from('nope'))).rejects.toBeInstanceOf(InvalidMediaError);
  });
});

describe('probeImage and imageThumbnail', () => {
  const photo = () => sharp({ create: { width: 300, height: 200, channels: 3, background: '#3366cc' } });

  it('reads size and type of PNG, JPEG and WEBP', async () => {
    expect(await probeImage(await photo().png().toBuffer())).toMatchObject({ width: 300, height: 200, mimeType: 'image/png' });
    expect(await probeImage(await photo().jpeg().toBuffer())).toMatchObject({ mimeType: 'image/jpeg', hasAlpha: false });
    expect(await probeImage(await photo().webp().toBuffer())).toMatchObject({ mimeType: 'image/webp', animated: false });
  });

  it('reports a phone photo taken upright as portrait', async () => {
    const rotated = await photo().jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(await probeImage(rotated)).toMatchObject({ width: 200, height: 300 });
    expect(await sharp(await imageThumbnail(rotated, { maxSize: 90 })).metadata()).toMatchObject({ width: 60, height: 90 });
  });

  it('refuses bytes that are not an image', async () => {
    await expect(probeImage(Buffer.from('<html>'))).rejects.toBeInstanceOf(InvalidMediaError);
    await expect(imageThumbnail(Buffer.from('<html>'))).rejects.toBeInstanceOf(InvalidMediaError);
  });
});
