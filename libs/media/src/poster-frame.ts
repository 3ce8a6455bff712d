import { ffmpegPath } from './ffmpeg.js';
import { imageThumbnail, type ThumbnailOptions } from './image-thumbnail.js';
import { InvalidMediaError, MediaToolDeadlineError, MediaToolError } from './media-errors.js';
import { runTool } from './run-tool.js';
import { withMediaFile } from './temp-file.js';

export interface PosterFrameOptions extends ThumbnailOptions {
  /** Where to take the frame, in seconds. Default 1 s: the very first frame is often black or a fade-in. */
  atS?: number;
  signal?: AbortSignal;
}

function grabFrame(path: string, atS: number, signal?: AbortSignal): Promise<Buffer> {
  // -ss before -i seeks by keyframe index: fast even for long videos.
  const args = ['-v', 'error', '-ss', String(atS), '-i', path, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'];
  return runTool(ffmpegPath(), args, { signal });
}

/** A still of a video (path or bytes), scaled down like a thumbnail, as WEBP (default) or JPEG. */
export async function posterFrame(video: string | Buffer, opts: PosterFrameOptions = {}): Promise<Buffer> {
  const png = await withMediaFile(video, async (path) => {
    const atS = opts.atS ?? 1;
    if (atS === 0) return grabFrame(path, 0, opts.signal);
    // Seeking past the end of a short clip yields no frame (or, in some ffmpeg builds, an error): fall back to the first one.
    // Not after a deadline: the same input would hang a second run the same way.
    const frame = await grabFrame(path, atS, opts.signal).catch((e: unknown) => {
      if (e instanceof MediaToolError && !(e instanceof MediaToolDeadlineError)) return Buffer.alloc(0);
      throw e;
    });
    return frame.length > 0 ? frame : grabFrame(path, 0, opts.signal);
  }).catch((e: unknown) => {
    if (e instanceof MediaToolError) throw new InvalidMediaError(`Not a readable video: ${e.message}`);
    throw e;
  });
  if (png.length === 0) throw new InvalidMediaError('Not a readable video: it has no frame');
  return imageThumbnail(png, opts);
}
