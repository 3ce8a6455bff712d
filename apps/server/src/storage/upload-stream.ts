import type { Readable } from 'node:stream';
import { type MediaType, peekMedia } from '@genbox/media';
import type { StorageDriver } from './storage.port.js';

export interface StoredMedia {
  mimeType: string;
  type: MediaType;
  sizeBytes: number;
}

const KINDS: Record<MediaType, string> = { IMAGE: 'PNG, JPEG, WEBP or GIF images', VIDEO: 'MP4, WEBM or MOV videos' };

/** 413. */
export class UploadTooLargeError extends Error {
  override readonly name = 'UploadTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`The file is larger than the ${formatBytes(maxBytes)} limit`);
  }
}

/** 415. */
export class UnsupportedMediaTypeError extends Error {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(readonly allowed: readonly MediaType[] = ['IMAGE', 'VIDEO']) {
    super(`Only ${allowed.map((t) => KINDS[t]).join(' and ')} can be uploaded`);
  }
}

/** 400. */
export class EmptyUploadError extends Error {
  override readonly name = 'EmptyUploadError';
  constructor() {
    super('The file is empty');
  }
}

/** The client went away or the multipart body broke mid-file; nobody is left to answer, so log and move on. */
export class UploadAbortedError extends Error {
  override readonly name = 'UploadAbortedError';
  constructor(cause: unknown) {
    super(`The upload was interrupted: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

export interface IngestUploadOptions {
  storage: StorageDriver;
  key: string;
  maxBytes: number;
  /** Media types accepted here (both by default). */
  allowedTypes?: readonly MediaType[];
}

/**
 * Stores an incoming file (e.g. a busboy file stream) under `key` after checking what it is.
 *
 * Streams straight through rather than via a temp file: the type is sniffed from the first
 * bytes before storage sees any, and the cap fails the stream the moment it is passed, so the
 * only refusal that reaches storage is a cap or abort mid-file, which the driver's own atomicity
 * (local rename, aborted multipart) already discards; the delete below covers the rest. A temp
 * file would cost a second full write of every upload for no extra safety.
 *
 * On a refusal the source is no longer read: the server should answer and close the connection
 * (`Connection: close`) rather than drain a body it has refused. Feed busboy with
 * `pipeline(req, bb)`, not `req.pipe(bb)`: only then does a client abort fail the file stream
 * (busboy destroys it), and so this promise; with pipe() it would wait forever.
 */
export async function ingestUpload(source: Readable, opts: IngestUploadOptions): Promise<StoredMedia> {
  const allowed = opts.allowedTypes ?? ['IMAGE', 'VIDEO'];
  const peek = await peekMedia(source, {
    maxBytes: opts.maxBytes,
    tooLarge: () => new UploadTooLargeError(opts.maxBytes),
    sourceFailed: (err) => new UploadAbortedError(err),
  });
  if (peek.empty) {
    await peek.discard();
    throw new EmptyUploadError();
  }
  if (!peek.media || !allowed.includes(peek.media.type)) {
    await peek.discard();
    throw new UnsupportedMediaTypeError(allowed);
  }
  try {
    const { sizeBytes } = await opts.storage.put(opts.key, peek.body, { contentType: peek.media.mimeType });
    return { mimeType: peek.media.mimeType, type: peek.media.type, sizeBytes };
  } catch (err) {
    await opts.storage.delete(opts.key).catch(() => undefined);
    throw peek.failure() ?? err;
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${+(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}
