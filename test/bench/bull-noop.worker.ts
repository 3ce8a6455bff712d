// A bare Bull worker in its own process: the same queue settings as Genbox's, a processor that does nothing.
import Bull from 'bull';

const queue = new Bull(process.env.QUEUE!, { redis: process.env.REDIS_URL!, prefix: process.env.PREFIX!, settings: { stalledInterval: 15_000, maxStalledCount: 3 } });
void queue.process('noop', Number(process.env.CONCURRENCY), async () => undefined);
await queue.isReady();
process.send?.('ready');
process.on('SIGTERM', () => void queue.close().finally(() => process.exit(0)));
