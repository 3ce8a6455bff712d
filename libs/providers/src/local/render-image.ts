import sharp from 'sharp';
import { backgroundSvg } from './background-art.js';
import { captionLayer } from './caption-layer.js';

/** A PNG of the prompt on a seeded background: the same prompt, seed and size always give the same bytes. */
export async function renderPromptImage(prompt: string, seed: number, width: number, height: number): Promise<Buffer> {
  const caption = await captionLayer(prompt, seed, width, height);
  return sharp(Buffer.from(backgroundSvg(prompt, seed, width, height)))
    .composite([{ input: caption }])
    .removeAlpha()
    .png({ compressionLevel: 6 })
    .toBuffer();
}
