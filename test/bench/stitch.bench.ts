/**
 * The heaviest ffmpeg run Genbox makes: a storyboard's stitch of MAX_STORYBOARD_SCENES scenes
 * (each normalized and re-encoded into one H.264 film with sound). Prints how long it took next to
 * FFMPEG_DEADLINE_MS's default, the figure that default must stay well above.
 * Run: npx tsx test/bench/stitch.bench.ts [width height seconds-per-scene]   (default 1920 1080 8)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_STORYBOARD_SCENES } from '@genbox/contracts';
import { ffmpegPath, runTool, toolDeadline } from '@genbox/media';
import { stitchFilm } from '../../apps/server/src/storyboards/film-tools.js';

const [w, h, secs] = [Number(process.argv[2] ?? 1920), Number(process.argv[3] ?? 1080), Number(process.argv[4] ?? 8)];
const dir = await mkdtemp(join(tmpdir(), 'genbox-stitch-bench-'));
try {
  const clips: string[] = [];
  for (let i = 0; i < MAX_STORYBOARD_SCENES; i++) {
    const out = join(dir, `scene-${i}.mp4`);
    // scenes as providers send them: H.264 with AAC sound (made quickly: only the stitch is timed)
    await runTool(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=24:duration=${secs}`, '-f', 'lavfi', '-i', `sine=frequency=${300 + i * 40}:duration=${secs}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', out]);
    clips.push(out);
  }
  const t0 = performance.now();
  const { durationS } = await stitchFilm(clips, join(dir, 'film.mp4'));
  const took = (performance.now() - t0) / 1000;
  const deadline = toolDeadline(ffmpegPath()) / 1000;
  console.log(`stitch of ${MAX_STORYBOARD_SCENES} scenes of ${secs} s at ${w}x${h} with sound (a ${durationS.toFixed(1)} s film): ${took.toFixed(1)} s; FFMPEG_DEADLINE_MS default ${deadline} s (${(deadline / took).toFixed(1)}x the run)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
