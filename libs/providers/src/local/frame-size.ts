export interface FrameSize {
  width: number;
  height: number;
}

/** About 768×768 pixels whatever the shape: 1:1 → 768×768, 16:9 → 1024×576, 9:16 → 576×1024. */
const DEFAULT_AREA = 768 * 768;
const MIN_SIDE = 64;
const MAX_SIDE = 2048;

const clampSide = (n: number) => Math.min(MAX_SIDE, Math.max(MIN_SIDE, n));
/** H.264 with yuv420p needs even sides; multiples of 16 also suit the encoder's macroblocks. */
const roundTo = (n: number, step: number) => Math.max(step, Math.round(n / step) * step);

/** Reads "16:9" (or "16/9", "1.78"); null for "auto", absent or unreadable values. */
export function parseAspectRatio(value: unknown): number | null {
  if (typeof value === 'number') return value > 0 ? value : null;
  if (typeof value !== 'string') return null;
  const parts = value.split(/[:/x]/).map(Number);
  const ratio = parts.length === 2 ? parts[0]! / parts[1]! : parts[0]!;
  return Number.isFinite(ratio) && ratio > 0 ? Math.min(8, Math.max(1 / 8, ratio)) : null;
}

/** The size of a frame of `ratio` (width / height) with about DEFAULT_AREA pixels. */
export function sizeForAspect(ratio: number): FrameSize {
  const width = clampSide(roundTo(Math.sqrt(DEFAULT_AREA * ratio), 16));
  const height = clampSide(roundTo(width / ratio, 16));
  return { width, height };
}

/**
 * The output size asked for by the parameters: explicit `width`/`height` win, then `aspect_ratio`,
 * then `fallbackRatio` (1:1 for images, 16:9 for videos, the parent's shape when animating it).
 */
export function frameSize(params: Record<string, unknown>, fallbackRatio: number): FrameSize {
  const width = Number(params.width);
  const height = Number(params.height);
  if (width > 0 && height > 0) return { width: clampSide(roundTo(width, 2)), height: clampSide(roundTo(height, 2)) };
  const ratio = parseAspectRatio(params.aspect_ratio) ?? fallbackRatio;
  if (width > 0) return { width: clampSide(roundTo(width, 2)), height: clampSide(roundTo(width / ratio, 2)) };
  if (height > 0) return { width: clampSide(roundTo(height * ratio, 2)), height: clampSide(roundTo(height, 2)) };
  return sizeForAspect(ratio);
}
