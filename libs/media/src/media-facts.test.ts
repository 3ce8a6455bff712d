import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { inspectImageBytes, plainPngSize } from './media-facts.js';

const solid = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: { r: 30, g: 120, b: 200 } } });

/** The PNG with one more chunk right after IHDR (CRC left at zero: only the chunk's presence matters here). */
function withChunk(png: Buffer, type: string, data = Buffer.alloc(8)): Buffer {
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([png.subarray(0, ihdrEnd), len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4), png.subarray(ihdrEnd)]);
}

describe('reading a PNG header', () => {
  it('gives the size of a plain PNG', async () => {
    expect(plainPngSize(await solid(300, 17).png().toBuffer())).toEqual({ width: 300, height: 17 });
  });

  it('leaves an animation, an EXIF-turned picture, a cut-off file and other formats to the full reader', async () => {
    const png = await solid(40, 30).png().toBuffer();
    expect(plainPngSize(withChunk(png, 'acTL'))).toBeNull();
    expect(plainPngSize(withChunk(png, 'eXIf'))).toBeNull();
    expect(plainPngSize(png.subarray(0, 40))).toBeNull();
    expect(plainPngSize(await solid(40, 30).jpeg().toBuffer())).toBeNull();
  });
});

describe('the thumbnail of an image', () => {
  it('a small PNG, JPEG or WEBP is its own thumbnail, measured', async () => {
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      expect(await inspectImageBytes(await solid(120, 90).toFormat(format).toBuffer()), format).toEqual({ width: 120, height: 90, durationS: null, thumbnail: 'original' });
    }
  });

  it('a picture larger than 512 px is scaled into a webp that fits', async () => {
    const facts = await inspectImageBytes(await solid(1200, 300).png().toBuffer());
    expect([facts.width, facts.height]).toEqual([1200, 300]);
    expect(Buffer.isBuffer(facts.thumbnail)).toBe(true);
    expect(await sharp(facts.thumbnail as Buffer).metadata()).toMatchObject({ format: 'webp', width: 512, height: 128 });
  });

  it('a phone photo turned by EXIF gets an upright webp, and its shown size', async () => {
    const facts = await inspectImageBytes(await solid(120, 80).jpeg().withMetadata({ orientation: 6 }).toBuffer());
    expect([facts.width, facts.height]).toEqual([80, 120]);
    expect(await sharp(facts.thumbnail as Buffer).metadata()).toMatchObject({ format: 'webp', width: 80, height: 120 });
  });

  it('a GIF, which may move, gets a still webp', async () => {
    const facts = await inspectImageBytes(await solid(50, 50).gif().toBuffer());
    expect(await sharp(facts.thumbnail as Buffer).metadata()).toMatchObject({ format: 'webp', width: 50, height: 50 });
  });

  it('bytes that are not an image have no facts and no thumbnail', async () => {
    expect(await inspectImageBytes(Buffer.from('not an image at all'))).toEqual({ width: null, height: null, durationS: null, thumbnail: null });
  });
});
