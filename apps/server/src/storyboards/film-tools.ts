import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ffmpegPath, h264Encoder, probeVideo, runTool } from '@genbox/media';

/** Frame rate of a stitched film: what the scenes are normalized to. */
export const FILM_FPS = 24;

/**
 * The last frame of a video file, as PNG bytes. `-sseof` seeks near the end (fast for long clips);
 * `-update 1` keeps overwriting one image, so what remains is the very last decoded frame.
 */
export async function lastFrame(videoPath: string, dir: string): Promise<Buffer> {
  const out = join(dir, 'last-frame.png');
  await runTool(ffmpegPath(), ['-v', 'error', '-y', '-sseof', '-1', '-i', videoPath, '-an', '-update', '1', '-c:v', 'png', '-f', 'image2', out]);
  return readFile(out);
}

/**
 * Normalizes the clips (the first clip's size, FILM_FPS, yuv420p; audio 48 kHz stereo where any
 * clip has sound, silence added to those without) and concatenates them into one MP4 at `out`.
 * Each clip is cut or padded to its own measured duration, so the film lasts their sum.
 */
export async function stitchFilm(clips: string[], out: string): Promise<{ durationS: number }> {
  const infos = await Promise.all(clips.map((c) => probeVideo(c)));
  const first = infos[0]!;
  // even sizes: yuv420p needs them
  const w = first.width - (first.width % 2);
  const h = first.height - (first.height % 2);
  const sound = infos.some((i) => i.hasAudio);
  const parts: string[] = [];
  const labels: string[] = [];
  infos.forEach((info, i) => {
    const d = (info.durationS ?? 0).toFixed(3);
    parts.push(`[${i}:v]scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${FILM_FPS},format=yuv420p,trim=duration=${d},setpts=PTS-STARTPTS[v${i}]`);
    labels.push(`[v${i}]`);
    if (!sound) return;
    parts.push(info.hasAudio
      ? `[${i}:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,apad,atrim=duration=${d},asetpts=PTS-STARTPTS[a${i}]`
      : `anullsrc=r=48000:cl=stereo,atrim=duration=${d},aformat=sample_fmts=fltp:channel_layouts=stereo[a${i}]`);
    labels.push(`[a${i}]`);
  });
  parts.push(`${labels.join('')}concat=n=${clips.length}:v=1:a=${sound ? 1 : 0}[v]${sound ? '[a]' : ''}`);
  const encoder = await h264Encoder();
  const args = ['-v', 'error', '-y', ...clips.flatMap((c) => ['-i', c]), '-filter_complex', parts.join(';'), '-map', '[v]',
    ...(sound ? ['-map', '[a]', '-c:a', 'aac', '-b:a', '128k'] : []), '-c:v', encoder, ...(encoder === 'libx264' ? ['-preset', 'veryfast', '-crf', '20'] : []),
    '-pix_fmt', 'yuv420p', '-movflags', '+faststart', out];
  await runTool(ffmpegPath(), args);
  return { durationS: (await probeVideo(out)).durationS ?? 0 };
}
