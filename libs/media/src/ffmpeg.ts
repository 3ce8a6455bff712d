import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Finds an executable on PATH the way a shell would, without spawning one. */
function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

/** The npm package ships a static binary per platform, so `npm install` alone is enough. */
function fromInstaller(pkg: string, tool: string): string {
  try {
    return (require(pkg) as { path: string }).path;
  } catch (e) {
    throw new Error(`No ${tool} found: install ${tool} on PATH, or ${pkg} for this platform (${(e as Error).message})`);
  }
}

const resolved = new Map<string, string>();

function resolveTool(tool: 'ffmpeg' | 'ffprobe', pkg: string): string {
  let path = resolved.get(tool);
  if (!path) {
    // A system build (e.g. Debian's in CI) is preferred: it tracks security fixes and newer codecs.
    path = findOnPath(tool) ?? fromInstaller(pkg, tool);
    resolved.set(tool, path);
  }
  return path;
}

/** Absolute path of ffmpeg: the one on PATH if any, else the bundled static binary. Resolved once. */
export const ffmpegPath = (): string => resolveTool('ffmpeg', '@ffmpeg-installer/ffmpeg');

/** Absolute path of ffprobe: the one on PATH if any, else the bundled static binary. Resolved once. */
export const ffprobePath = (): string => resolveTool('ffprobe', '@ffprobe-installer/ffprobe');
