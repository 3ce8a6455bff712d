import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { ffmpegPath, h264Encoder, runTool, withTempDir } from '@genbox/media';
import { cropAt, type Motion } from './motion.js';

export interface RawPicture {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

export interface AnimateOptions {
  /** The picture the camera moves over: the frame's shape, larger than the frame (see SOURCE_SCALE). */
  source: RawPicture;
  width: number;
  height: number;
  durationS: number;
  fps: number;
  motion: Motion;
  /** A transparent PNG of the frame's size laid over every frame, unmoved (the prompt caption). */
  overlay?: Buffer;
  signal?: AbortSignal;
}

/** Frames drawn ahead of the encoder: sharp works on libuv threads while ffmpeg encodes. */
const FRAMES_AHEAD = 3;

/** Each frame is cut from the source and scaled to the frame: smooth motion without ffmpeg filters that old builds lack. */
async function* frames(opts: AnimateOptions): AsyncGenerator<Buffer> {
  const { data } = opts.source;
  const { width, height, channels } = opts.source.info;
  const count = Math.max(1, Math.round(opts.durationS * opts.fps));
  const draw = (i: number) => {
    const window = cropAt(opts.motion, count === 1 ? 0 : i / (count - 1), width, height);
    const frame = sharp(data, { raw: { width, height, channels } }).extract(window).resize(opts.width, opts.height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    frame.catch(() => undefined); // frames drawn ahead of a cancel or a failure are dropped unread
    return frame;
  };
  const pending: Array<Promise<Buffer>> = [];
  for (let next = 0; next < Math.min(FRAMES_AHEAD, count); next++) pending.push(draw(next));
  for (let i = 0; i < count; i++) {
    opts.signal?.throwIfAborted();
    const frame = await pending.shift()!;
    if (i + FRAMES_AHEAD < count) pending.push(draw(i + FRAMES_AHEAD));
    yield frame;
  }
}

/**
 * An MP4 (H.264, yuv420p, moov atom first) of a camera move over a still picture: what browsers play
 * inline and start before the whole file has arrived.
 */
export async function animateStill(opts: AnimateOptions): Promise<Buffer> {
  const encoder = await h264Encoder();
  return withTempDir(async (dir) => {
    const out = join(dir, 'out.mp4');
    const input = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-video_size', `${opts.width}x${opts.height}`, '-framerate', String(opts.fps), '-i', 'pipe:0'];
    let filter = ['-vf', 'format=yuv420p'];
    if (opts.overlay) {
      await writeFile(join(dir, 'overlay.png'), opts.overlay);
      input.push('-i', join(dir, 'overlay.png'));
      filter = ['-filter_complex', '[0:v][1:v]overlay=0:0,format=yuv420p'];
    }
    const quality = encoder === 'libx264' ? ['-preset', 'veryfast', '-crf', '23'] : ['-b:v', '2M'];
    const output = ['-c:v', encoder, ...quality, '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-an', out];
    await runTool(ffmpegPath(), ['-v', 'error', '-y', ...input, ...filter, ...output], { stdin: frames(opts), signal: opts.signal });
    return readFile(out);
  });
}
