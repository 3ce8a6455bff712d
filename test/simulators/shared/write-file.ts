import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';

/** Bytes per read. */
const CHUNK = 1024 * 1024;

/**
 * Writes a file's bytes into `out` (without ending it) through two buffers used in turn, one read
 * while the other is written, so a gigabyte makes no garbage. For the stand-ins of other machines
 * (a provider's CDN, a user's browser) that share this machine's cores with the server under test:
 * a stream of fresh 64 KB chunks made the bench's process collect garbage for about 3 s of CPU per
 * GB it served, CPU the server under test did not get.
 *
 * Relies on `out.write`'s callback meaning the bytes are handed on (a socket's or a file's write has
 * completed), after which the buffer is free to take the next read.
 */
export async function writeFileInto(out: Writable, path: string): Promise<void> {
  const file = await open(path, 'r');
  const closed = new Promise<never>((_, reject) => out.once('close', () => reject(new Error('the other end went away'))));
  closed.catch(() => undefined);
  try {
    const buffers = [Buffer.allocUnsafeSlow(CHUNK), Buffer.allocUnsafeSlow(CHUNK)];
    let written: Promise<void> = Promise.resolve();
    for (let turn = 0; ; turn ^= 1) {
      const buffer = buffers[turn]!;
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      await Promise.race([written, closed]); // the other buffer is free again once it is written
      if (!bytesRead) return;
      written = new Promise((resolve, reject) => out.write(buffer.subarray(0, bytesRead), (err) => (err ? reject(err) : resolve())));
      // a failed write (the other end reset) is seen at the next race; until then it has a handler,
      // or the process would call it unhandled while the next read is under way
      written.catch(() => undefined);
    }
  } finally {
    await file.close();
  }
}
