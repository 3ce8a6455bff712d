import type { AssetDto, BoxDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestS3, startS3 } from '../storage/fixtures.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';
import { b64, s3Env, shortMp4, tusHeaders } from './resumable-fixtures.js';

/*
 * Resumable uploads (tus 1.0) through the real API, on local storage and on S3 (s3rver): bytes
 * come in pieces, each PATCH appends at the offset the server names, and the last byte makes an
 * asset exactly like a multipart upload does. Refusals leave nothing behind.
 */

const CAP = 2 * 1024 * 1024;

describe.each(['local', 's3'] as const)('resumable uploads (tus) on %s storage', (storage) => {
  let gb: TestGenbox;
  let s3: TestS3 | null = null;
  let editor: UserClient;
  let box: BoxDto;

  beforeAll(async () => {
    if (storage === 's3') s3 = await startS3();
    gb = await startTestGenbox({ MAX_UPLOAD_BYTES: String(CAP), ...(s3 ? s3Env(s3) : {}) });
    editor = await gb.newUser('editor');
    box = await editor.createBox('Resumable');
  });
  afterAll(async () => {
    await gb?.stop();
    await s3?.close();
  });

  async function create(user: UserClient, length: number, meta = `filename ${b64('clip.mp4')},prompt_text ${b64('a test card')}`, boxId = box.id) {
    return fetch(`${gb.url}/api/boxes/${boxId}/uploads`, { method: 'POST', headers: tusHeaders(user.token!, { 'upload-length': String(length), 'upload-metadata': meta }) });
  }
  const patch = (user: UserClient, url: string, offset: number, bytes: Buffer) =>
    fetch(gb.url + url, { method: 'PATCH', headers: tusHeaders(user.token!, { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) }), body: new Uint8Array(bytes) });
  const head = (user: UserClient, url: string) => fetch(gb.url + url, { method: 'HEAD', headers: tusHeaders(user.token!) });
  /** The upload pieces in the store: files under the data dir, or objects in the bucket. */
  const pieces = async () => (s3 ? await s3.keys() : await gb.storedFiles()).filter((f) => f.startsWith('uploads/'));

  it('takes a video in three PATCHes and makes a COMPLETED, UPLOADED asset with its size, duration and poster', async () => {
    const video = await shortMp4(320, 180, 2);
    const created = await create(editor, video.length);
    expect(created.status).toBe(201);
    expect(created.headers.get('tus-resumable')).toBe('1.0.0');
    const url = created.headers.get('location')!;
    expect(url).toMatch(/^\/api\/uploads\/[0-9a-f-]{36}$/);
    expect(await created.json()).toMatchObject({ length: video.length, offset: 0, asset_id: null, url });

    const cut1 = 4200;
    const cut2 = cut1 + Math.floor((video.length - cut1) / 2);
    const r1 = await patch(editor, url, 0, video.subarray(0, cut1));
    expect(r1.status).toBe(204);
    expect(r1.headers.get('upload-offset')).toBe(String(cut1));
    expect((await head(editor, url)).headers.get('upload-offset')).toBe(String(cut1));

    // a PATCH at the wrong offset changes nothing
    const wrong = await patch(editor, url, 0, video.subarray(0, cut1));
    expect(wrong.status).toBe(409);
    expect((await wrong.json()).message).toContain(`the server has ${cut1} of ${video.length} bytes`);
    expect((await head(editor, url)).headers.get('upload-offset')).toBe(String(cut1));

    expect((await patch(editor, url, cut1, video.subarray(cut1, cut2))).headers.get('upload-offset')).toBe(String(cut2));
    const last = await patch(editor, url, cut2, video.subarray(cut2));
    expect(last.status).toBe(204);
    expect(last.headers.get('upload-offset')).toBe(String(video.length));
    const assetId = last.headers.get('genbox-asset-id')!;
    const asset = await editor.get<AssetDto>(`/api/assets/${assetId}`).ok();
    expect(asset).toMatchObject({ status: 'COMPLETED', source_type: 'UPLOADED', type: 'VIDEO', mime_type: 'video/mp4', size_bytes: video.length, width: 320, height: 180, prompt: 'a test card' });
    expect(asset.duration_s).toBeCloseTo(2, 0);
    expect(asset.thumbnail_url).toBeTruthy();
    const file = Buffer.from(await (await fetch(asset.file_url!)).arrayBuffer());
    expect(file.equals(video)).toBe(true);
    // the pieces are gone once they are one file; a HEAD still tells a client it is done
    expect(await pieces()).toEqual([]);
    const after = await head(editor, url);
    expect(after.headers.get('upload-offset')).toBe(String(video.length));
    expect(after.headers.get('genbox-asset-id')).toBe(assetId);
    // the same last PATCH again (its answer was lost) makes no second asset
    expect((await patch(editor, url, video.length, Buffer.alloc(0))).headers.get('genbox-asset-id')).toBe(assetId);
    expect((await gb.sql('SELECT count(*)::int AS n FROM assets WHERE box_id = $1', [box.id]))[0].n).toBe(1);
  });

  it('refuses a file that is not an image or video after its first piece, and keeps nothing', async () => {
    const created = await create(editor, 100_000);
    const url = created.headers.get('location')!;
    const res = await patch(editor, url, 0, Buffer.alloc(10_000, 'not a video '));
    expect(res.status).toBe(415);
    expect((await res.json()).message).toMatch(/Only PNG, JPEG, WEBP or GIF images and MP4, WEBM or MOV videos/);
    expect(await pieces()).toEqual([]);
    expect((await head(editor, url)).status).toBe(404);
  });

  it('refuses a length over the cap (413), a missing length (400) and bytes past the length (413)', async () => {
    const big = await create(editor, CAP + 1);
    expect(big.status).toBe(413);
    expect((await big.json()).message).toBe('The file is larger than the 2 MB limit');
    const none = await fetch(`${gb.url}/api/boxes/${box.id}/uploads`, { method: 'POST', headers: tusHeaders(editor.token!) });
    expect(none.status).toBe(400);
    expect((await none.json()).message).toContain('Upload-Length');
    const video = await shortMp4();
    const url = (await create(editor, 6000)).headers.get('location')!;
    const over = await patch(editor, url, 0, Buffer.concat([video, Buffer.alloc(7000)]).subarray(0, 7000));
    expect(over.status).toBe(413);
    expect((await head(editor, url)).headers.get('upload-offset')).toBe('0');
    expect(await pieces()).toEqual([]);
  });

  it('needs the editor role to start, and only its starter may continue it', async () => {
    const viewer = await gb.newUser('viewer');
    await editor.post(`/api/boxes/${box.id}/members`, { email: viewer.email, role: 'viewer' }).ok(201);
    const refused = await create(viewer, 1000);
    expect(refused.status).toBe(403);
    const outsider = await gb.newUser('outsider');
    expect((await create(outsider, 1000)).status).toBe(404);
    const url = (await create(editor, 1000)).headers.get('location')!;
    expect((await head(outsider, url)).status).toBe(404);
    expect((await patch(outsider, url, 0, Buffer.alloc(10))).status).toBe(404);
    expect((await fetch(gb.url + url, { method: 'HEAD' })).status).toBe(401);
  });

  it('DELETE abandons an upload and its pieces', async () => {
    const video = await shortMp4(320, 180, 2);
    const url = (await create(editor, video.length)).headers.get('location')!;
    expect((await patch(editor, url, 0, video.subarray(0, 4200))).headers.get('upload-offset')).toBe('4200');
    expect(await pieces()).toHaveLength(1);
    expect((await fetch(gb.url + url, { method: 'DELETE', headers: tusHeaders(editor.token!) })).status).toBe(204);
    expect(await pieces()).toEqual([]);
    expect((await head(editor, url)).status).toBe(404);
  });
});
