import { ffmpegPath, ffprobePath, setToolDeadlines, toolDeadline } from '@genbox/media';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { type TestGenbox, startTestGenbox } from './harness.js';

/** The library's own defaults, read before any server has started in this process. */
const libraryDefaults = { ffprobe: toolDeadline(ffprobePath()), ffmpeg: toolDeadline(ffmpegPath()) };

describe('the deadlines of ffprobe and ffmpeg runs come from the configuration', () => {
  let gb: TestGenbox | undefined;
  afterAll(async () => {
    await gb?.stop();
    setToolDeadlines(libraryDefaults);
  });

  it('defaults to the same deadlines as the media library: 1 min for ffprobe, 15 min for ffmpeg', () => {
    expect(loadConfig({}).mediaToolDeadlines).toEqual({ ffprobe: 60_000, ffmpeg: 15 * 60_000 });
    expect(libraryDefaults).toEqual(loadConfig({}).mediaToolDeadlines);
  });

  it('refuses a deadline that is not a sane number of ms, naming the variable', () => {
    expect(() => loadConfig({ FFMPEG_DEADLINE_MS: '0' })).toThrow(/^Invalid configuration: FFMPEG_DEADLINE_MS: /);
    expect(() => loadConfig({ FFPROBE_DEADLINE_MS: 'soon' })).toThrow(/^Invalid configuration: FFPROBE_DEADLINE_MS: /);
  });

  it('applies the configured deadlines to every run once the server has started', async () => {
    gb = await startTestGenbox({ FFPROBE_DEADLINE_MS: '4000', FFMPEG_DEADLINE_MS: '120000' });
    expect(toolDeadline(ffprobePath())).toBe(4000);
    expect(toolDeadline(ffmpegPath())).toBe(120_000);
  });
});
