import { ffmpegPath } from './ffmpeg.js';
import { runTool } from './run-tool.js';

/** Encoders that make H.264 every browser plays, best first. */
const CANDIDATES = ['libx264', 'libopenh264'] as const;
export type H264Encoder = (typeof CANDIDATES)[number];

let found: Promise<H264Encoder> | null = null;

/** The H.264 encoder the resolved ffmpeg has (checked once); rejects with a clear reason when it has none. */
export function h264Encoder(): Promise<H264Encoder> {
  found ??= runTool(ffmpegPath(), ['-hide_banner', '-encoders']).then((out) => {
    const listed = out.toString('utf8');
    const encoder = CANDIDATES.find((name) => new RegExp(`\\s${name}\\s`).test(listed));
    if (!encoder) throw new Error(`${ffmpegPath()} has no H.264 encoder (looked for ${CANDIDATES.join(', ')}): install an ffmpeg built with libx264`);
    return encoder;
  });
  found.catch(() => {
    found = null; // a later call may find a fixed install
  });
  return found;
}
