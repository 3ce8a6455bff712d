export const MOTIONS = ['zoom-in', 'zoom-out', 'pan-left', 'pan-right', 'pan-up', 'pan-down'] as const;
export type Motion = (typeof MOTIONS)[number];

export const isMotion = (value: unknown): value is Motion => MOTIONS.includes(value as Motion);

/**
 * How much larger than the frame the source picture is: the room a zoom or pan moves through
 * without enlarging pixels (a zoom ends on a window 1/ZOOM of the source).
 */
export const SOURCE_SCALE = 1.25;
const ZOOM = 1.2;

export interface CropWindow {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Slow start, slow end: a camera move rather than a slide. */
const ease = (p: number) => 0.5 - Math.cos(Math.PI * Math.min(1, Math.max(0, p))) / 2;

/**
 * The part of the source (sourceW × sourceH, the frame's shape) shown at `progress` (0 → 1) of the clip.
 * Zooms stay centred; pans keep the window zoomed by ZOOM and travel from one edge to the other.
 */
export function cropAt(motion: Motion, progress: number, sourceW: number, sourceH: number): CropWindow {
  const p = ease(progress);
  const zoomed = (scale: number) => {
    const width = Math.round(sourceW / scale);
    const height = Math.round(sourceH / scale);
    return { width, height, spareX: sourceW - width, spareY: sourceH - height };
  };
  if (motion === 'zoom-in' || motion === 'zoom-out') {
    const scale = 1 + (ZOOM - 1) * (motion === 'zoom-in' ? p : 1 - p);
    const { width, height, spareX, spareY } = zoomed(scale);
    return { left: Math.round(spareX / 2), top: Math.round(spareY / 2), width, height };
  }
  const { width, height, spareX, spareY } = zoomed(ZOOM);
  // pan-right: the camera moves right, so the window starts at the left edge.
  const along = motion === 'pan-right' || motion === 'pan-down' ? p : 1 - p;
  const horizontal = motion === 'pan-left' || motion === 'pan-right';
  return {
    left: Math.round(horizontal ? spareX * along : spareX / 2),
    top: Math.round(horizontal ? spareY / 2 : spareY * along),
    width,
    height,
  };
}
