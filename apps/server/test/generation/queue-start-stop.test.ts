import { randomBytes } from 'node:crypto';
import Queue from 'bull';
import { afterAll, describe, expect, it } from 'vitest';
import { QueueDrain } from '../../src/common/queue-drain.js';
import { deleteRedisKeys } from '../../../../test/support/machine.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `gbtest:startstop:${randomBytes(4).toString('hex')}`;

/**
 * A worker stopped right after it started (a deploy rolled back, a test's server, a crash loop)
 * used to die of an unhandled rejection: Bull's process() promise, and the CLIENT SETNAME it sends
 * on its blocking connection, both reject when the queue closes under them. CI saw it as
 * "Connection is closed." after every test had passed.
 */
describe('a queue closed while its loops are starting', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await deleteRedisKeys(REDIS_URL, prefix);
  });

  it('closes without an unhandled rejection, at any moment of the start', async () => {
    for (let i = 0; i < 60; i++) {
      const queue = new Queue(`q${i}`, REDIS_URL, { prefix });
      queue.on('error', () => undefined);
      new QueueDrain(queue).process('work', 2, async () => undefined);
      await new Promise((r) => setTimeout(r, i % 10));
      await queue.close();
    }
    await new Promise((r) => setTimeout(r, 300)); // a rejection is reported on a later turn
    expect(unhandled.map((e) => (e as Error)?.message ?? String(e))).toEqual([]);
  });

  it('still takes jobs when nothing stops it', async () => {
    const queue = new Queue('runs', REDIS_URL, { prefix });
    const done: string[] = [];
    new QueueDrain(queue).process('work', 2, async (job) => void done.push(job.data.n));
    await Promise.all(['a', 'b', 'c'].map((n) => queue.add('work', { n })));
    await expect.poll(() => done.sort(), { timeout: 10_000 }).toEqual(['a', 'b', 'c']);
    await queue.close();
  });
});
