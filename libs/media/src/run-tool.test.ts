import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath, ffprobePath } from './ffmpeg.js';
import { MediaToolDeadlineError, MediaToolError } from './media-errors.js';
import { runTool } from './run-tool.js';
import { setToolDeadlines, toolDeadline } from './tool-deadlines.js';

/** Command lines of this machine's live processes that contain `marker` (zombies have none). */
async function processesWith(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) found.push(cmdline.replaceAll('\0', ' '));
  }
  return found;
}

/** Rejects with what the run failed with. */
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected the run to fail'); }, (e: unknown) => e as Error);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'genbox-run-tool-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// These pass a small deadline explicitly: they test the runner (kill, reap, report), not the
// configured defaults, which are checked on their own below.
describe('every media tool run has a deadline', () => {
  it('kills ffprobe stuck on a FIFO nobody writes, and says which tool and which deadline', async () => {
    const fifo = join(dir, 'never-written.mp4');
    execFileSync('mkfifo', [fifo]);
    const err = await failure(runTool(ffprobePath(), ['-v', 'error', '-show_format', fifo], { deadlineMs: 500 }));
    expect(err).toBeInstanceOf(MediaToolDeadlineError);
    expect(err).toBeInstanceOf(MediaToolError); // callers that give up on unreadable media give up on this too
    expect(err.message).toBe('ffprobe did not finish within its 500 ms deadline and was killed');
    expect(await processesWith(fifo)).toEqual([]); // killed and reaped, not left running
  });

  it('kills ffmpeg reading a stdin that stays open and never sends a byte', async () => {
    const marker = join(dir, `held-stdin-${process.pid}.mp4`);
    let stop = () => {};
    async function* silent(): AsyncGenerator<Buffer> {
      await new Promise<void>((r) => (stop = r)); // holds stdin open until the test ends
    }
    const err = await failure(runTool(ffmpegPath(), ['-v', 'error', '-f', 'mpegts', '-i', 'pipe:0', '-y', marker], { stdin: silent(), deadlineMs: 500 }));
    stop();
    expect(err).toBeInstanceOf(MediaToolDeadlineError);
    expect(err.message).toMatch(/^ffmpeg did not finish within its 500 ms deadline/);
    expect(await processesWith(marker)).toEqual([]);
  });

  it('kills the whole process group, not only the tool it started', async () => {
    // a stand-in tool that starts a child of its own and waits for it
    const marker = `987.${process.pid % 1000}`;
    const err = await failure(runTool('/bin/sh', ['-c', `sleep ${marker} & wait`], { deadlineMs: 300 }));
    expect(err).toBeInstanceOf(MediaToolDeadlineError);
    expect(await processesWith(`sleep ${marker}`)).toEqual([]);
  });

  it('lets a run that finishes in time answer as before', async () => {
    const out = await runTool(ffprobePath(), ['-v', 'error', '-version'], { deadlineMs: 30_000 });
    expect(out.toString('utf8')).toMatch(/ffprobe version/);
  });

  it('has defaults that fit the heaviest real runs, and takes the configured ones', () => {
    expect(toolDeadline(ffprobePath())).toBe(60_000);
    expect(toolDeadline(ffmpegPath())).toBe(15 * 60_000); // a 12-scene storyboard stitch fits well inside
    setToolDeadlines({ ffprobe: 5000 });
    try {
      expect(toolDeadline('/usr/bin/ffprobe')).toBe(5000);
      expect(toolDeadline('/usr/bin/ffmpeg')).toBe(15 * 60_000);
      expect(() => setToolDeadlines({ ffmpeg: 0 })).toThrow(/positive/);
    } finally {
      setToolDeadlines({ ffprobe: 60_000 });
    }
  });
});
