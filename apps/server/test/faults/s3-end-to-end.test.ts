import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_MP4 } from '../../../../test/simulators/shared/index.js';
import { type TestS3, startS3 } from '../storage/fixtures.js';
import { type TestGenbox, type UserClient, pngBytes, startTestGenbox } from '../harness.js';

/** A Genbox storing everything in an S3-compatible server (s3rver), driven only through the API. */
describe('S3 storage end to end', () => {
  let s3: TestS3;
  let gb: TestGenbox;
  let alice: UserClient;

  beforeAll(async () => {
    s3 = await startS3();
    const c = s3.config();
    gb = await startTestGenbox({
      STORAGE: 's3', S3_ENDPOINT: c.endpoint!, S3_BUCKET: c.bucket, S3_REGION: c.region, S3_ACCESS_KEY_ID: c.accessKeyId!, S3_SECRET_ACCESS_KEY: c.secretAccessKey!, S3_FORCE_PATH_STYLE: 'true',
    });
    alice = await gb.newUser('alice');
  });
  afterAll(async () => {
    await gb?.stop();
    await s3?.close();
  });

  it('an upload and a generation land in the bucket, download through file_url, and deleting removes the objects', async () => {
    const box = await alice.createBox('On S3');
    const png = await pngBytes(120, 80);
    const uploaded = await alice.upload(box.id, png, 'still.png').ok(201);
    expect(uploaded).toMatchObject({ status: 'COMPLETED', width: 120, height: 80, mime_type: 'image/png' });
    const upBytes = Buffer.from(await (await fetch(uploaded.file_url!)).arrayBuffer());
    expect(upBytes.equals(png)).toBe(true);

    const model = await alice.model('local-image');
    const started = await alice.post(`/api/boxes/${box.id}/generate`, { prompt: 'a boat on S3', ai_model_id: model.id, generation_config: { aspect_ratio: '16:9', seed: 3 } }).ok(202);
    const done = await alice.settled(started.id);
    expect(done).toMatchObject({ status: 'COMPLETED', mime_type: 'image/png', width: 1024, height: 576 });

    const res = await fetch(done.file_url!);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(done.size_bytes);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'png', width: 1024, height: 576 });
    expect((await fetch(done.thumbnail_url!)).status).toBe(200);

    const keys = await s3.keys();
    const stored = await gb.sql<{ id: string; storage_key: string; thumbnail_key: string }>('SELECT id, storage_key, thumbnail_key FROM assets WHERE box_id = $1', [box.id]);
    expect(stored).toHaveLength(2);
    for (const row of stored) {
      expect(row.storage_key).toContain(`boxes/${box.id}/${row.id}`);
      expect(keys).toContain(row.storage_key);
      expect(keys).toContain(row.thumbnail_key);
    }
    expect(gb.runtime.storage.kind).toBe('s3');
    expect(await gb.storedFiles().then((f) => f.filter((x) => x.startsWith('boxes/')))).toEqual([]); // nothing on local disk

    await alice.delete(`/api/assets/${done.id}`).ok(204);
    const after = await s3.keys();
    expect(after.filter((k) => k.includes(done.id))).toEqual([]);
    expect(after).toContain(stored.find((r) => r.id === uploaded.id)!.storage_key);
    expect((await fetch(done.file_url!)).status).toBe(404);
  });

  it('a video in the bucket is measured and gets its poster frame, read where it lies (ffprobe over a presigned URL)', async () => {
    const box = await alice.createBox('Clips on S3');
    const video = await alice.upload(box.id, SAMPLE_MP4, 'clip.mp4').ok(201);
    expect(video).toMatchObject({ status: 'COMPLETED', type: 'VIDEO', mime_type: 'video/mp4', size_bytes: SAMPLE_MP4.length, width: 64, height: 64 });
    expect(video.duration_s).toBeCloseTo(1, 0);
    const poster = await fetch(video.thumbnail_url!);
    expect(poster.status).toBe(200);
    expect(await sharp(Buffer.from(await poster.arrayBuffer())).metadata()).toMatchObject({ format: 'webp', width: 64, height: 64 });
  });
});
