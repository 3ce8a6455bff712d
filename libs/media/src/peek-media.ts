import { Readable } from 'node:stream';
import { sniffMedia, SNIFF_BYTES, type SniffedMedia } from './sniff.js';

export interface PeekOptions {
  /** Largest accepted size in bytes; one byte more and `body` fails with tooLarge(). */
  maxBytes: number;
  tooLarge: () => Error;
  /** Wraps an error from the source (client gone, connection reset) so callers can tell it from a storage failure. */
  sourceFailed: (err: unknown) => Error;
}

export interface PeekedMedia {
  /** What the first bytes say, or null when they are no supported media. */
  media: SniffedMedia | null;
  /** The source ended before giving a single byte. */
  empty: boolean;
  /** The whole stream again (head included), counting as it goes and failing the moment it passes maxBytes. */
  body: Readable;
  /** The error `body` failed with, if it did: storage drivers may wrap it, callers want the original. */
  failure(): Error | undefined;
  /** Stops reading the source without consuming `body` (a refusal before anything is stored). */
  discard(): Promise<void>;
}

/**
 * Reads just enough of `source` to sniff it, then hands back a stream of the same bytes with a
 * byte cap enforced while streaming. Memory stays at SNIFF_BYTES plus one chunk whatever the size:
 * `body` pulls from `source` only as fast as its consumer reads.
 */
export async function peekMedia(source: AsyncIterable<Buffer>, opts: PeekOptions): Promise<PeekedMedia> {
  const it = source[Symbol.asyncIterator]();
  let failure: Error | undefined;
  const fail = (err: Error): Error => (failure ??= err);
  const next = async (): Promise<IteratorResult<Buffer>> => {
    try {
      return await it.next();
    } catch (err) {
      throw fail(opts.sourceFailed(err));
    }
  };

  const headChunks: Buffer[] = [];
  let total = 0;
  let ended = false;
  while (total < SNIFF_BYTES) {
    const step = await next();
    if (step.done) {
      ended = true;
      break;
    }
    headChunks.push(step.value);
    total += step.value.length;
    if (total > opts.maxBytes) {
      await it.return?.();
      throw fail(opts.tooLarge());
    }
  }
  const head = Buffer.concat(headChunks);

  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      if (ended) return;
      let sent = total;
      for (;;) {
        const step = await next();
        if (step.done) return;
        sent += step.value.length;
        // Checked before the chunk goes out, so storage never receives a byte past the cap.
        if (sent > opts.maxBytes) throw fail(opts.tooLarge());
        yield step.value;
      }
    } finally {
      // Stops the source (a Readable's iterator destroys it) when the consumer gives up or the cap trips.
      await it.return?.();
    }
  }

  return {
    media: head.length > 0 ? sniffMedia(head) : null,
    empty: head.length === 0,
    body: Readable.from(replay(), { objectMode: false }),
    failure: () => failure,
    discard: async () => {
      await it.return?.();
    },
  };
}
