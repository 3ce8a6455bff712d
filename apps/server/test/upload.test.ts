import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssetDto, BoxDto } from '@genbox/contracts';
import { ffmpegPath, runTool } from '@genbox/media';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, type UserClient, startTestGenbox } from './harness.js';

/*
 * Uploads through the real API: what is accepted is stored and measured, what is refused
 * leaves nothing behind — no row, and no file anywhere under the data dir (temp files included).
 */

const CAP = 100 * 1024;
let gb: TestGenbox;
let editor: UserClient;
let box: BoxDto;

beforeAll(async () => {
  gb = await startTestGenbox({ MAX_UPLOAD_BYTES: String(CAP) });
  editor = await gb.newUser('editor');
  box = await editor.createBox('Uploads');
});
afterAll(() => gb?.stop());

const solid = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: { r: 30, g: 120, b: 200 } } });

/** A clip of `seconds` seconds as ffmpeg writes it to a file (seekable, so the header carries the duration). */
async function clip(format: 'mp4' | 'webm' | 'mov', w: number, h: number, seconds: number): Promise<Buffer> {
  const codec = format === 'webm' ? ['-c:v', 'libvpx-vp9', '-deadline', 'realtime'] : ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'];
  const dir = await mkdtemp(join(tmpdir(), 'genbox-clip-'));
  const out = join(dir, `clip.${format}`);
  try {
    await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${w}x${h}:rate=12:duration=${seconds}`, ...codec, out]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every file under the data dir, hidden temp and sidecar folders included. */
async function everyFile(): Promise<string[]> {
  const entries = await readdir(gb.dataDir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(gb.dataDir.length + 1)).sort();
}
const assetRows = async () => (await gb.sql('SELECT count(*)::int AS n FROM assets'))[0].n as number;

/** Runs a refused upload and checks that it left nothing: no asset row, no file. */
async function refused(send: () => PromiseLike<{ status: number; body: any }>) {
  const [files, rows] = [await everyFile(), await assetRows()];
  const res = await send();
  expect(await assetRows()).toBe(rows);
  expect(await everyFile()).toEqual(files);
  return res;
}

async function fetchBytes(url: string) {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('accepted uploads', () => {
  const images = [
    ['PNG', 'png', 'image/png'],
    ['JPEG', 'jpeg', 'image/jpeg'],
    ['WEBP', 'webp', 'image/webp'],
    ['GIF', 'gif', 'image/gif'],
  ] as const;

  it.each(images)('a %s image is stored as a finished upload, measured, with a thumbnail the card can show', async (_name, format, mime) => {
    const bytes = await solid(120, 80).toFormat(format).toBuffer();
    const a = await editor.upload(box.id, bytes, `photo.${format}`).ok(201);
    expect(a).toMatchObject({
      box_id: box.id, type: 'IMAGE', status: 'COMPLETED', source_type: 'UPLOADED', mime_type: mime,
      size_bytes: bytes.length, width: 120, height: 80, duration_s: null, prompt: null, ai_model_id: null, created_by: { id: editor.id },
    });
    const file = await fetchBytes(a.file_url!);
    expect(file).toMatchObject({ status: 200, type: mime });
    expect(file.bytes.equals(bytes)).toBe(true);
    const thumb = await fetchBytes(a.thumbnail_url!);
    if (format === 'gif') {
      // a GIF may move: the card gets a still webp of it
      expect(thumb).toMatchObject({ status: 200, type: 'image/webp' });
      expect(await sharp(thumb.bytes).metadata()).toMatchObject({ format: 'webp', width: 120, height: 80 });
    } else {
      // this small, the image is its own thumbnail: the same bytes, with their own type
      expect(thumb).toMatchObject({ status: 200, type: mime });
      expect(thumb.bytes.equals(bytes)).toBe(true);
    }
  });

  it('a small picture that is heavy in bytes still gets a light webp thumbnail', async () => {
    // noise does not compress: find a size between the 64 KB a card should fetch at most and the upload cap
    const noise = (side: number) => sharp({ create: { width: side, height: side, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 80 } } }).png().toBuffer();
    let bytes = await noise(100);
    for (let side = 110; bytes.length <= 64 * 1024 && side <= 400; side += 10) bytes = await noise(side);
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    expect(bytes.length).toBeLessThan(CAP);
    const a = await editor.upload(box.id, bytes, 'noise.png').ok(201);
    const thumb = await fetchBytes(a.thumbnail_url!);
    expect(thumb).toMatchObject({ status: 200, type: 'image/webp' });
    expect(thumb.bytes.length).toBeLessThan(bytes.length);
  });

  it('the thumbnail of a large image is scaled down to fit 512 px, keeping its shape', async () => {
    const bytes = await solid(1600, 400).png().toBuffer();
    const a = await editor.upload(box.id, bytes, 'wide.png').ok(201);
    expect([a.width, a.height]).toEqual([1600, 400]);
    const thumb = await fetchBytes(a.thumbnail_url!);
    expect(await sharp(thumb.bytes).metadata()).toMatchObject({ format: 'webp', width: 512, height: 128 });
  });

  it('a photo taken with the phone turned is measured as it is shown, not as it is stored', async () => {
    const bytes = await solid(120, 80).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const a = await editor.upload(box.id, bytes, 'portrait.jpg').ok(201);
    expect([a.width, a.height]).toEqual([80, 120]);
    const thumb = await fetchBytes(a.thumbnail_url!);
    expect(await sharp(thumb.bytes).metadata()).toMatchObject({ width: 80, height: 120 });
  });

  const videos = [
    ['MP4', 'mp4', 'video/mp4'],
    ['WEBM', 'webm', 'video/webm'],
    ['MOV', 'mov', 'video/quicktime'],
  ] as const;

  it.each(videos)('a %s video is stored with its size, duration and a webp poster frame', async (_name, format, mime) => {
    const bytes = await clip(format, 96, 64, 2);
    const a = await editor.upload(box.id, bytes, `clip.${format}`).ok(201);
    expect(a).toMatchObject({ type: 'VIDEO', status: 'COMPLETED', source_type: 'UPLOADED', mime_type: mime, size_bytes: bytes.length, width: 96, height: 64 });
    expect(a.duration_s).toBeGreaterThan(1.8);
    expect(a.duration_s).toBeLessThan(2.2);
    const file = await fetchBytes(a.file_url!);
    expect(file).toMatchObject({ status: 200, type: mime });
    expect(file.bytes.equals(bytes)).toBe(true);
    const thumb = await fetchBytes(a.thumbnail_url!);
    expect(thumb).toMatchObject({ status: 200, type: 'image/webp' });
    expect(await sharp(thumb.bytes).metadata()).toMatchObject({ format: 'webp', width: 96, height: 64 });
  });

  it('the type comes from the bytes, not the file name: a PNG called .mp4 is an image', async () => {
    const bytes = await solid(10, 10).png().toBuffer();
    const a = await editor.upload(box.id, bytes, 'not-really.mp4').ok(201);
    expect(a).toMatchObject({ type: 'IMAGE', mime_type: 'image/png' });
  });

  it('prompt_text is kept as the prompt, whether it comes before or after the file', async () => {
    const bytes = await solid(10, 10).png().toBuffer();
    const before = await editor.upload(box.id, bytes, 'p.png', { prompt_text: '  a red kite over the dunes  ' }).ok(201);
    expect(before.prompt).toBe('a red kite over the dunes');

    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), 'p.png');
    form.append('prompt_text', 'written after the file');
    const after = await editor.request<AssetDto>('POST', `/api/boxes/${box.id}/upload`, form).ok(201);
    expect(after.prompt).toBe('written after the file');
    expect((await editor.get<AssetDto>(`/api/assets/${after.id}`).ok()).prompt).toBe('written after the file');
  });

  it('a file just under the cap is accepted', async () => {
    const bytes = Buffer.concat([await solid(10, 10).png().toBuffer()]);
    const padded = Buffer.concat([bytes, Buffer.alloc(CAP - bytes.length)]); // trailing bytes after IEND: still a PNG
    const a = await editor.upload(box.id, padded, 'big.png').ok(201);
    expect(a.size_bytes).toBe(CAP);
  });
});

describe('refused uploads leave nothing behind', () => {
  it('a text file named .png is refused as an unsupported type', async () => {
    const res = await refused(() => editor.upload(box.id, Buffer.from('just some notes, not a picture\n'.repeat(20)), 'notes.png'));
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ statusCode: 415, error: 'unsupported_media_type' });
    expect(res.body.message).toMatch(/PNG/);
  });

  it('an empty file is refused as bad input naming the file', async () => {
    const res = await refused(() => editor.upload(box.id, Buffer.alloc(0), 'empty.png'));
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('file');
  });

  it('a file a little over the cap is refused as too large', async () => {
    const png = await solid(10, 10).png().toBuffer();
    const over = Buffer.concat([png, Buffer.alloc(CAP + 1 - png.length)]);
    const res = await refused(() => editor.upload(box.id, over, 'over.png'));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'payload_too_large' });
  });

  it('a file far over the cap is refused as too large', async () => {
    const png = await solid(10, 10).png().toBuffer();
    const huge = Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024)]);
    const res = await refused(() => editor.upload(box.id, huge, 'huge.png'));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'payload_too_large' });
  });

  it('a form without a "file" field is refused naming the field', async () => {
    const form = new FormData();
    form.append('prompt_text', 'where is the file?');
    form.append('image', new Blob([new Uint8Array(await solid(10, 10).png().toBuffer())]), 'wrong-field.png');
    const res = await refused(() => editor.request('POST', `/api/boxes/${box.id}/upload`, form));
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('file');
  });

  it('a body that is not multipart is refused as an unsupported type', async () => {
    const json = await refused(() => editor.post(`/api/boxes/${box.id}/upload`, { file: 'aGVsbG8=' }));
    expect(json.status).toBe(415);
    expect(json.body.message).toMatch(/multipart/);
    const png = await solid(10, 10).png().toBuffer();
    const raw = await refused(() =>
      fetch(`${gb.url}/api/boxes/${box.id}/upload`, { method: 'POST', headers: { authorization: `Bearer ${editor.token}`, 'content-type': 'image/png' }, body: new Uint8Array(png) })
        .then(async (r) => ({ status: r.status, body: await r.json() })),
    );
    expect(raw.status).toBe(415);
  });

  it('a multipart body without a boundary is refused as bad input', async () => {
    const res = await refused(() =>
      fetch(`${gb.url}/api/boxes/${box.id}/upload`, { method: 'POST', headers: { authorization: `Bearer ${editor.token}`, 'content-type': 'multipart/form-data' }, body: 'nothing' })
        .then(async (r) => ({ status: r.status, body: await r.json() })),
    );
    expect(res.status).toBe(400);
  });

  it('an upload without a token is refused before anything is read', async () => {
    const png = await solid(10, 10).png().toBuffer();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(png)]), 'anon.png');
    const res = await refused(() => gb.client.request('POST', `/api/boxes/${box.id}/upload`, form));
    expect(res.status).toBe(401);
  });

  it('after refusals, the next good upload still works on the same server', async () => {
    const a = await editor.upload(box.id, await solid(12, 12).png().toBuffer(), 'fine.png').ok(201);
    expect(a.status).toBe('COMPLETED');
  });
});

describe('uploads interrupted half way', () => {
  const BOUNDARY = 'genbox-test-boundary';
  const filePart = (filename: string) =>
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`);

  /** A multipart upload written by hand, a piece at a time, so a test can act between the pieces. */
  function openUpload(boxId: string): { req: ClientRequest; response: Promise<{ status: number; body: any }> } {
    const url = new URL(`${gb.url}/api/boxes/${boxId}/upload`);
    const req = httpRequest(url, { method: 'POST', headers: { authorization: `Bearer ${editor.token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } });
    const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
      });
      req.on('error', reject);
    });
    req.flushHeaders();
    return { req, response };
  }

  async function eventually<T>(get: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 5000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await get();
      if (ok(v)) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('a person who hangs up after the file but before the form ends leaves no file behind', async () => {
    const b = await editor.createBox('Hang-up');
    const png = await solid(50, 50).png().toBuffer();
    const rows = await assetRows();
    const { req, response } = openUpload(b.id);
    response.catch(() => undefined);
    req.write(filePart('half.png'));
    req.write(png);
    // the file part is over (busboy sees the next delimiter), the prompt field is cut off
    req.write(`\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="prompt_text"\r\n\r\nhalf a prom`);
    const under = () => gb.storedFiles().then((fs) => fs.filter((f) => f.startsWith(`boxes/${b.id}/`)));
    await eventually(under, (fs) => fs.length > 0, 'the file to be stored');
    req.destroy();
    await eventually(under, (fs) => fs.length === 0, 'the stored file to be removed');
    expect(await assetRows()).toBe(rows);
  });

  it('an upload still on its way when the box is deleted is refused as not found, and leaves nothing', async () => {
    const b = await editor.createBox('Deleted mid-upload');
    const png = await solid(60, 60).png().toBuffer();
    const rows = await assetRows();
    const { req, response } = openUpload(b.id);
    req.write(filePart('late.png'));
    // more than local storage gathers in memory (64 KB), so it streams to a temp file
    req.write(Buffer.concat([png, Buffer.alloc(80_000)]));
    // the server is writing the file: a temp file exists
    await eventually(everyFile, (fs) => fs.some((f) => f.startsWith('.tmp/')), 'the upload to start');
    expect((await editor.delete(`/api/boxes/${b.id}`)).status).toBe(204);
    req.end(`\r\n--${BOUNDARY}--\r\n`);
    const res = await response;
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found' });
    expect(await assetRows()).toBe(rows);
    expect((await everyFile()).filter((f) => f.includes(b.id) || f.startsWith('.tmp/'))).toEqual([]);
  });
});
