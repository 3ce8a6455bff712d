import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerationQueue } from '../../src/generation/generation.queue.js';
import { type TestGenbox, type UserClient, insertAsset, pngBytes, startTestGenbox } from '../harness.js';

/** Waits until the job has run (removeOnComplete: it is gone from Redis). */
async function ran(queue: GenerationQueue['queue'], jobId: string): Promise<void> {
  const end = Date.now() + 30_000;
  while (await queue.getJob(jobId)) {
    if (Date.now() > end) throw new Error(`job ${jobId} did not run`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Jobs queued by the previous version (no `assetAttempt`; a finish's attempt under `attempt`)
 * are still in Redis after an upgrade: this version's worker still runs them to the end.
 */
describe('jobs queued by the previous version', () => {
  let gb: TestGenbox;
  let owner: UserClient;
  let raw: GenerationQueue['queue'];

  beforeAll(async () => {
    gb = await startTestGenbox();
    owner = await gb.newUser('upgrader');
    raw = gb.app.get(GenerationQueue).queue;
  });
  afterAll(async () => {
    await gb?.stop();
  });

  it('an old submit job (no asset attempt in its data) still generates the asset', async () => {
    const box = await owner.createBox('Old submit');
    const model = await owner.model('local-image');
    const id = await insertAsset(gb, box.id, owner.id, { model_id: model.id, attempts: 1, generation_config: JSON.stringify({ aspect_ratio: '4:3' }) });
    await raw.add('submit', { assetId: id, try: 0, chain: id }, { jobId: id, removeOnComplete: true, removeOnFail: true });
    expect(await owner.settled(id, 30_000)).toMatchObject({ status: 'COMPLETED', mime_type: 'image/png' });
  }, 60_000);

  it('an old finish job (its attempt under `attempt`) still stores the result, for that attempt only', async () => {
    const box = await owner.createBox('Old finish');
    const id = await insertAsset(gb, box.id, owner.id, { status: 'PROCESSING', external_task_id: 'old-task', attempts: 2, started_at: new Date() });
    const base64 = (await pngBytes(32, 24)).toString('base64');
    // a finish of attempt 1 arrives late: the asset is on attempt 2, so it must change nothing
    await raw.add('finish', { assetId: id, attempt: 1, source: { base64 }, providerName: 'old', allowPrivateNetwork: false }, { jobId: `${id}:a1:finish`, removeOnComplete: true, removeOnFail: true });
    await ran(raw, `${id}:a1:finish`);
    expect((await owner.get<{ status: string }>(`/api/assets/${id}`).ok()).status).toBe('PROCESSING');
    await raw.add('finish', { assetId: id, attempt: 2, source: { base64 }, providerName: 'old', allowPrivateNetwork: false }, { jobId: `${id}:a2:finish`, removeOnComplete: true, removeOnFail: true });
    expect(await owner.settled(id, 30_000)).toMatchObject({ status: 'COMPLETED', mime_type: 'image/png', width: 32, height: 24 });
    const history = await gb.sql<{ to_status: string }>('SELECT to_status FROM asset_events WHERE asset_id = $1', [id]);
    expect(history.map((h) => h.to_status)).toEqual(['COMPLETED']);
  }, 60_000);
});
