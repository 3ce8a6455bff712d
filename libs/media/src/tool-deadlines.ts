/**
 * How long one run of each media tool may take before it is killed, in ms. The server sets them
 * once at start from its configuration (FFPROBE_DEADLINE_MS, FFMPEG_DEADLINE_MS); these defaults
 * are the same numbers, so a library user (the local provider, tests) gets a bounded run too.
 * ffprobe reads headers and an index: a minute is far beyond any real file. ffmpeg's heaviest run
 * is a storyboard's stitch (12 scenes normalized and re-encoded into one H.264 film), a few
 * minutes on a small machine: 15 minutes leaves room for a busy one.
 */
const deadlines = { ffprobe: 60_000, ffmpeg: 15 * 60_000 };

export type MediaToolName = keyof typeof deadlines;

/** Replaces the deadlines of the tools named (ms, positive). */
export function setToolDeadlines(next: Partial<Record<MediaToolName, number>>): void {
  for (const [tool, ms] of Object.entries(next) as [MediaToolName, number | undefined][]) {
    if (ms === undefined) continue;
    if (!Number.isInteger(ms) || ms <= 0) throw new RangeError(`${tool} deadline must be a positive number of ms (got ${ms})`);
    deadlines[tool] = ms;
  }
}

/** The deadline of the tool at `binary` (a path): ffprobe's for ffprobe, ffmpeg's for anything else. */
export function toolDeadline(binary: string): number {
  return /ffprobe[^/\\]*$/.test(binary) ? deadlines.ffprobe : deadlines.ffmpeg;
}
