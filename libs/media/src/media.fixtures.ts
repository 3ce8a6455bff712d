import { ffmpegPath } from './ffmpeg.js';
import { runTool } from './run-tool.js';

/** A short synthetic clip of one solid colour, made by ffmpeg itself, as the bytes of the file. */
export function solidClip(opts: { color: string; width: number; height: number; seconds: number; format?: 'mp4' | 'webm' }): Promise<Buffer> {
  const source = `color=c=${opts.color}:size=${opts.width}x${opts.height}:rate=12:duration=${opts.seconds}`;
  const codec =
    opts.format === 'webm'
      ? ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-f', 'webm']
      : ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+frag_keyframe+empty_moov', '-f', 'mp4'];
  return runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', source, ...codec, 'pipe:1']);
}
