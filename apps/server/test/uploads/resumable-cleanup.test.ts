import type { BoxDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResumableUploadSweeper } from '../../src/assets/resumable-upload.sweeper.js';
import { ResumableUploadsRepository } from '../../src/assets/resumable-uploads.repository.js';
import { type TestS3, startS3 } from '../storage/fixtures.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';
import { b64, s3Env, shortMp4, tusHeaders } from './resumable-fixtures.js';

/*
 * Abandoned resumable uploads do not stay forever: past UPLOAD_EXPIRY_SECONDS without a byte, the
 * worker's sweep deletes their stored pieces and rows; deleting a box deletes its unfinished
 * uploads' pieces at once. Local storage and S3 (s3rver), with a short expiry and sweep interval
 * (the feature under test is that both are configurable).
 */

describe.each(['local', 's3'] as const)('abandoned resumable uploads on %s storage', (storage) => {
  const EXPIRY_S = 3;
  let gb: TestGenbox;
  let s3: TestS3 | null = null;
  let editor: UserClient;
  let video: Buffer;

  beforeAll(async () => {
    if (storage === 's3') s3 = await startS3();
    gb = await startTestGenbox({ UPLOAD_EXPIRY_SECONDS: String(EXPIRY_S), UPLOAD_SWEEP_INTERVAL_MS: '300', ...(s3 ? s3Env(s3) : {}) });
    editor = await gb.newUser('editor');
    video = await shortMp4(320, 180, 2);
  });
  afterAll(async () => {
    await gb?.stop();
    await s3?.close();
  });

  /** The upload pieces in the store: files under the data dir, or objects in the bucket. */
  const pieces = async () => (s3 ? await s3.keys() : await gb.storedFiles()).filter((f) => f.startsWith('uploads/'));
  const piecesOf = async (url: string) => (await pieces()).filter((f) => f.startsWith(`uploads/${url.split('/').pop()}/`));
  const head = (url: string) => fetch(gb.url + url, { method: 'HEAD', headers: tusHeaders(editor.token!) });

  /** An upload of the test video with its first 4200 bytes sent: one piece in storage. */
  async function startedUpload(box: BoxDto): Promise<string> {
    const created = await fetch(`${gb.url}/api/boxes/${box.id}/uploads`, { method: 'POST', headers: tusHeaders(editor.token!, { 'upload-length': String(video.length), 'upload-metadata': `filename ${b64('clip.mp4')}` }) });
    expect(created.status).toBe(201);
    const url = created.headers.get('location')!;
    const res = await fetch(gb.url + url, { method: 'PATCH', headers: tusHeaders(editor.token!, { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }), body: new Uint8Array(video.subarray(0, 4200)) });
    expect(res.headers.get('upload-offset')).toBe('4200');
    expect(await piecesOf(url)).toHaveLength(1);
    return url;
  }

  it('expire UPLOAD_EXPIRY_SECONDS after their last byte: the sweep deletes their pieces and rows, and leaves live ones alone', async () => {
    const box = await editor.createBox('Abandoned');
    const abandoned = await startedUpload(box);
    const live = await startedUpload(box);
    // the expiry the client is told is the configured one, counted from the last byte
    const expires = Date.parse((await head(abandoned)).headers.get('upload-expires')!);
    expect(expires - Date.now()).toBeLessThanOrEqual(EXPIRY_S * 1000);
    expect(expires - Date.now()).toBeGreaterThan(-1000);
    // the live one keeps receiving bytes (another PATCH moves its expiry on)
    await gb.sql(`UPDATE resumable_uploads SET expires_at = now() + interval '1 hour' WHERE id = $1`, [live.split('/').pop()]);

    await expect.poll(() => piecesOf(abandoned), { timeout: 15_000, interval: 200 }).toEqual([]);
    expect(await gb.sql('SELECT id FROM resumable_uploads WHERE id = $1', [abandoned.split('/').pop()])).toEqual([]);
    const gone = await head(abandoned);
    expect(gone.status).toBe(404);
    // the one still in use is untouched, and continues
    expect(await piecesOf(live)).toHaveLength(1);
    expect((await head(live)).headers.get('upload-offset')).toBe('4200');
    const rest = await fetch(gb.url + live, { method: 'PATCH', headers: tusHeaders(editor.token!, { 'content-type': 'application/offset+octet-stream', 'upload-offset': '4200' }), body: new Uint8Array(video.subarray(4200)) });
    expect(rest.status).toBe(204);
    expect(rest.headers.get('genbox-asset-id')).toBeTruthy();
    expect(await piecesOf(live)).toEqual([]);
  });

  it('an expired upload the sweep has not reached yet cannot be continued', async () => {
    const box = await editor.createBox('Late');
    const url = await startedUpload(box);
    await gb.sql(`UPDATE resumable_uploads SET expires_at = now() - interval '1 second', writer = NULL WHERE id = $1`, [url.split('/').pop()]);
    const res = await fetch(gb.url + url, { method: 'PATCH', headers: tusHeaders(editor.token!, { 'content-type': 'application/offset+octet-stream', 'upload-offset': '4200' }), body: new Uint8Array(video.subarray(4200)) });
    expect(res.status).toBe(404);
    expect((await res.json()).message).toMatch(/expired/);
    expect((await gb.sql('SELECT count(*)::int AS n FROM assets WHERE box_id = $1', [box.id]))[0].n).toBe(0);
  });

  it('nodes sweeping at once each delete different uploads, and every expired one goes', async () => {
    const repo = gb.app.get(ResumableUploadsRepository);
    // expired uploads the tests before this one left go first (the sweeps take the oldest first),
    // so the two sweeps below meet only this test's six
    const leftovers = await repo.removeExpired(1000);
    await Promise.all(leftovers.keys.map((k) => gb.runtime.storage.delete(k)));
    const box = await editor.createBox('Swept twice');
    const urls = await Promise.all(Array.from({ length: 6 }, () => startedUpload(box)));
    const ids = urls.map((u) => u.split('/').pop()!);
    await gb.sql(`UPDATE resumable_uploads SET expires_at = now() - interval '1 second' WHERE id = ANY($1)`, [ids]);
    // two sweeps over separate database connections, as two workers run them (this process's own sweeper is a third)
    const [a, b] = await Promise.all([repo.removeExpired(3), repo.removeExpired(3)]);
    const uploadsOf = (keys: string[]) => new Set(keys.map((k) => k.split('/')[1]!).filter((id) => ids.includes(id)));
    const [mineA, mineB] = [uploadsOf(a.keys), uploadsOf(b.keys)];
    expect([...mineA].filter((id) => mineB.has(id))).toEqual([]); // no upload handed to two sweeps
    // this process's own sweep may have been holding some of the six (so the two skipped them) and
    // not have committed yet: wait for it (sweep() joins a running one) before looking
    await gb.app.get(ResumableUploadSweeper).sweep();
    expect(await gb.sql('SELECT id FROM resumable_uploads WHERE id = ANY($1)', [ids])).toEqual([]);
    // the pieces of the rows these two took are deleted by whoever took them: here, by hand
    await Promise.all([...a.keys, ...b.keys].map((k) => gb.runtime.storage.delete(k)));
    await expect.poll(pieces, { timeout: 10_000, interval: 200 }).toEqual([]);
  });

  it('deleting a box deletes its unfinished uploads, pieces and rows', async () => {
    const box = await editor.createBox('Doomed');
    const url = await startedUpload(box);
    await editor.delete(`/api/boxes/${box.id}`).ok(204);
    expect(await piecesOf(url)).toEqual([]);
    expect(await gb.sql('SELECT id FROM resumable_uploads WHERE box_id = $1', [box.id])).toEqual([]);
  });
});
