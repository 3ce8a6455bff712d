import type { IncomingMessage } from 'node:http';

/** `Upload-Metadata: filename d29ybGQ=,prompt_text aGk=`: keys with base64 values (tus 1.0). */
export function parseUploadMetadata(header: string | string[] | undefined): Record<string, string> {
  const text = Array.isArray(header) ? header.join(',') : header ?? '';
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [key, value] = pair.trim().split(/\s+/, 2);
    if (!key) continue;
    const decoded = value ? Buffer.from(value, 'base64').toString('utf8') : '';
    out[key] = decoded.replace(/\0/g, ''); // a NUL cannot go into a text column
  }
  return out;
}

/**
 * The request body as it arrives, at most `limit` bytes. A client that disconnects ends the
 * stream instead of failing it (what arrived is worth keeping); one byte past `limit` stops
 * reading and marks the body as overflowed.
 */
export function receivedBytes(req: IncomingMessage, limit: number): { chunks: () => AsyncGenerator<Buffer>; overflowed: () => boolean } {
  let overflow = false;
  return {
    overflowed: () => overflow,
    async *chunks() {
      let total = 0;
      try {
        for await (const chunk of req as AsyncIterable<Buffer>) {
          total += chunk.length;
          if (total > limit) {
            overflow = true;
            return;
          }
          yield chunk;
        }
      } catch {
        // the client went away (ECONNRESET, aborted): the bytes so far stand
      }
    },
  };
}
