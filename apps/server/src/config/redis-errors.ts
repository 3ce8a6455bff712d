import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

const logger = new Logger('Redis');

/**
 * ioredis reconnects by itself; without an 'error' listener it prints "Unhandled error event" on
 * every attempt. This says it once per outage, by name, and once more when it is back.
 */
export function reportRedisErrors(client: Redis, name: string): Redis {
  let down = false;
  client.on('error', (e: Error) => {
    if (!down) logger.warn(`${name}: ${e.message}; reconnecting`);
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.log(`${name}: connected again`);
    down = false;
  });
  return client;
}
