import sharp from 'sharp';
import { seededRandom } from './seeded-random.js';

const fixed = (n: number) => n.toFixed(1);
const hsl = (h: number, s: number, l: number) => `hsl(${Math.round(((h % 360) + 360) % 360)},${Math.round(s)}%,${Math.round(l)}%)`;

/**
 * An SVG of soft light on a gradient, drawn in a `width`×`height` coordinate space. Everything is
 * picked by a random stream seeded with prompt and seed: same inputs, same picture.
 */
export function backgroundSvg(prompt: string, seed: number, width: number, height: number, pixelScale = 1): string {
  const rand = seededRandom('background', prompt, seed);
  const between = (a: number, b: number) => a + (b - a) * rand();
  const hue = between(0, 360);
  // An analogous pair for the sky and a complementary accent for the lights.
  const palette = [hsl(hue, between(55, 75), between(35, 50)), hsl(hue + between(30, 80), between(55, 80), between(45, 60)), hsl(hue + 180 + between(-30, 30), between(60, 85), between(55, 70))];
  const angle = between(0, Math.PI * 2);
  const [x1, y1] = [0.5 - Math.cos(angle) / 2, 0.5 - Math.sin(angle) / 2];
  const longSide = Math.max(width, height);

  const glows = Array.from({ length: 4 + Math.floor(rand() * 4) }, (_, i) => {
    const color = palette[Math.floor(rand() * palette.length)]!;
    const r = longSide * between(0.15, 0.45);
    return {
      def: `<radialGradient id="g${i}"><stop offset="0" stop-color="${color}" stop-opacity="${between(0.55, 0.9).toFixed(2)}"/><stop offset="1" stop-color="${color}" stop-opacity="0"/></radialGradient>`,
      shape: `<circle cx="${fixed(between(0, width))}" cy="${fixed(between(0, height))}" r="${fixed(r)}" fill="url(#g${i})"/>`,
    };
  });
  const rings = Array.from({ length: 2 + Math.floor(rand() * 3) }, () => {
    const r = longSide * between(0.05, 0.25);
    return `<circle cx="${fixed(between(0, width))}" cy="${fixed(between(0, height))}" r="${fixed(r)}" fill="none" stroke="white" stroke-opacity="${between(0.08, 0.25).toFixed(2)}" stroke-width="${fixed(longSide * between(0.002, 0.008))}"/>`;
  });
  // Gentle hills across the lower part give the picture a horizon.
  const hills = Array.from({ length: 2 }, (_, i) => {
    const base = height * between(0.7, 0.85);
    const c1 = base - height * between(0.05, 0.2);
    const c2 = base + height * between(-0.1, 0.1);
    return `<path d="M0 ${fixed(base)} C ${fixed(width * 0.33)} ${fixed(c1)}, ${fixed(width * 0.66)} ${fixed(c2)}, ${width} ${fixed(base - height * 0.05 * i)} L ${width} ${height} L 0 ${height} Z" fill="${hsl(hue + 200 + 20 * i, 45, 18 + 10 * i)}" fill-opacity="${(0.45 + 0.2 * i).toFixed(2)}"/>`;
  });

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.round(width * pixelScale)}" height="${Math.round(height * pixelScale)}" viewBox="0 0 ${width} ${height}">
<defs><linearGradient id="sky" x1="${x1.toFixed(3)}" y1="${y1.toFixed(3)}" x2="${(1 - x1).toFixed(3)}" y2="${(1 - y1).toFixed(3)}"><stop offset="0" stop-color="${palette[0]}"/><stop offset="1" stop-color="${palette[1]}"/></linearGradient>${glows.map((g) => g.def).join('')}</defs>
<rect width="${width}" height="${height}" fill="url(#sky)"/>${glows.map((g) => g.shape).join('')}${rings.join('')}${hills.join('')}
</svg>`;
}

/** The background as raw RGB pixels, `scale` times the frame size (room for a camera move). */
export async function backgroundPixels(prompt: string, seed: number, width: number, height: number, scale = 1) {
  const svg = backgroundSvg(prompt, seed, width, height, scale);
  return sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
}
