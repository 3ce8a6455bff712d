import { ffprobePath } from './ffmpeg.js';
import { InvalidMediaError, MediaToolError } from './media-errors.js';
import { runTool } from './run-tool.js';
import { withMediaFile } from './temp-file.js';

export interface VideoInfo {
  /** Display size: swapped for a clip recorded rotated by 90°, as phones do. */
  width: number;
  height: number;
  /** Seconds, or null when the container does not say (e.g. some live streams). */
  durationS: number | null;
  mimeType: string;
  /** The video codec name as ffprobe reports it (h264, vp9, ...). */
  videoCodec: string;
  hasAudio: boolean;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
  tags?: Record<string, string>;
  side_data_list?: Array<{ rotation?: number }>;
}
interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string; tags?: Record<string, string> };
}

const WEBM_CODECS = new Set(['vp8', 'vp9', 'av1']);

function mimeTypeOf(probe: ProbeOutput, codec: string): string {
  const format = probe.format?.format_name ?? '';
  if (format.includes('mp4') || format.includes('mov')) {
    const brand = probe.format?.tags?.major_brand?.trim();
    return brand === 'qt' ? 'video/quicktime' : 'video/mp4';
  }
  if (format.includes('webm') || format.includes('matroska')) return WEBM_CODECS.has(codec) ? 'video/webm' : 'video/x-matroska';
  if (format === 'gif') return 'image/gif';
  if (format === 'avi') return 'video/x-msvideo';
  if (format.includes('mpegts')) return 'video/mp2t';
  if (format === 'ogg') return 'video/ogg';
  return 'application/octet-stream';
}

function rotationOf(stream: ProbeStream): number {
  const fromTag = Number(stream.tags?.rotate ?? 0);
  const fromSideData = stream.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation ?? 0;
  return Math.abs(fromTag || fromSideData) % 180;
}

function parseDuration(...candidates: Array<string | undefined>): number | null {
  for (const c of candidates) {
    const n = Number(c);
    if (c !== undefined && Number.isFinite(n) && n > 0) return n;
  }
  return null;
}

/** Reads size, duration and type of a video file (path) or of its bytes. */
export async function probeVideo(media: string | Buffer, signal?: AbortSignal): Promise<VideoInfo> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams'];
  const stdout = await withMediaFile(media, (path) => runTool(ffprobePath(), [...args, path], { signal })).catch((e: unknown) => {
    if (e instanceof MediaToolError) throw new InvalidMediaError(`Not a readable video: ${e.message}`);
    throw e;
  });
  const probe = JSON.parse(stdout.toString('utf8')) as ProbeOutput;
  const video = probe.streams?.find((s) => s.codec_type === 'video' && s.width && s.height);
  if (!video?.width || !video.height) throw new InvalidMediaError('Not a video: no picture stream found');
  const turned = rotationOf(video) === 90;
  return {
    width: turned ? video.height : video.width,
    height: turned ? video.width : video.height,
    durationS: parseDuration(probe.format?.duration, video.duration),
    mimeType: mimeTypeOf(probe, video.codec_name ?? ''),
    videoCodec: video.codec_name ?? 'unknown',
    hasAudio: probe.streams?.some((s) => s.codec_type === 'audio') ?? false,
  };
}
