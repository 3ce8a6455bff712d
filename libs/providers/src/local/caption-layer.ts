import sharp from 'sharp';

/** Long prompts are cut here: the picture is a preview of the prompt, not its full text. */
const MAX_PROMPT_CHARS = 240;

const escapeMarkup = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function shorten(prompt: string): string {
  const flat = prompt.replace(/\s+/g, ' ').trim() || 'Untitled';
  return flat.length <= MAX_PROMPT_CHARS ? flat : `${flat.slice(0, MAX_PROMPT_CHARS - 1).trimEnd()}…`;
}

/**
 * Renders text with pango, which wraps it to `maxWidth`. When the wrapped text is taller than
 * `maxHeight`, it is rendered again fitted into that box (pango picks a smaller size), so it never overflows.
 */
async function renderText(markup: string, fontPx: number, maxWidth: number, maxHeight: number) {
  const base = { text: markup, font: `sans-serif ${fontPx}`, width: maxWidth, rgba: true, wrap: 'word-char' as const, align: 'centre' as const };
  const first = await sharp({ text: base }).png().toBuffer({ resolveWithObject: true });
  if (first.info.height <= maxHeight) return first;
  return sharp({ text: { ...base, font: 'sans-serif', height: maxHeight } }).png().toBuffer({ resolveWithObject: true });
}

/**
 * A transparent `width`×`height` layer with the prompt, wrapped, on a dark rounded panel in the lower
 * part of the frame, and a small "seed" note: laid over the background of an image or of every video frame.
 */
export async function captionLayer(prompt: string, seed: number, width: number, height: number): Promise<Buffer> {
  const shortSide = Math.min(width, height);
  const margin = Math.round(shortSide * 0.05);
  const padding = Math.round(shortSide * 0.035);
  const fontPx = Math.max(10, Math.round(shortSide / 20));
  const textMaxWidth = width - 2 * (margin + padding);
  const textMaxHeight = Math.round(height * 0.45);

  const text = await renderText(`<span foreground="white">${escapeMarkup(shorten(prompt))}</span>`, fontPx, textMaxWidth, textMaxHeight);
  const note = await renderText(`<span foreground="#ffffffb0">seed ${seed} · Genbox local</span>`, Math.max(8, Math.round(fontPx * 0.45)), textMaxWidth, fontPx);

  const panelW = Math.min(width - 2 * margin, text.info.width + 2 * padding);
  const panelH = text.info.height + note.info.height + Math.round(padding * 2.4);
  const panelLeft = Math.round((width - panelW) / 2);
  const panelTop = height - margin - panelH;
  const panel = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect x="${panelLeft}" y="${panelTop}" width="${panelW}" height="${panelH}" rx="${padding}" fill="black" fill-opacity="0.42"/></svg>`;

  return sharp(Buffer.from(panel))
    .composite([
      { input: text.data, left: Math.round((width - text.info.width) / 2), top: panelTop + padding },
      { input: note.data, left: Math.round((width - note.info.width) / 2), top: panelTop + padding + text.info.height + Math.round(padding * 0.4) },
    ])
    .png()
    .toBuffer();
}
