import type { Readable } from 'node:stream';

/** Inclusive byte range, as in an HTTP `Range: bytes=start-end` header; no `end` means to the end. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface StoredObject {
  stream: Readable;
  /** Size of the whole object, not of the range: the server needs it for `Content-Range`. */
  sizeBytes: number;
  contentType: string | null;
  /** The range actually served (end clamped to the last byte); absent for a whole-object read. */
  range?: { start: number; end: number };
}

/** Where asset bytes live. Two drivers: `local` (a data dir) and `s3` (any S3-compatible store). */
export interface StorageDriver {
  readonly kind: 'local' | 's3';
  /** Streams `body` in; the object appears whole or not at all (no half-written object is ever readable). */
  put(key: string, body: Readable, opts: { contentType: string; contentLength?: number }): Promise<{ sizeBytes: number }>;
  /** Throws StorageNotFoundError for a missing key, StorageRangeError for a range past the end. */
  get(key: string, range?: ByteRange): Promise<StoredObject>;
  /** A missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * A presigned GET for S3; null for local storage, where the server signs its own URLs.
   * `response` is signed into the URL: the bucket answers with that type and disposition whatever
   * the object was stored with.
   */
  signedUrl(key: string, expiresInS: number, response?: SignedResponseHeaders): Promise<string | null>;
  /**
   * The object's file on this machine, for tools that read in place (ffprobe seeks to an MP4's
   * index instead of copying a whole video first); null for stores that have none (S3).
   */
  localPath(key: string): string | null;
  /** Resolves when the store is usable; throws an Error whose message says what is wrong. */
  health(): Promise<void>;
}

export class StorageNotFoundError extends Error {
  override readonly name = 'StorageNotFoundError';
  constructor(readonly key: string) {
    super(`No stored object under "${key}"`);
  }
}

/** A range that starts at or after the end of the object (HTTP 416). */
export class StorageRangeError extends Error {
  override readonly name = 'StorageRangeError';
  constructor(readonly key: string, readonly sizeBytes: number) {
    super(`The requested range is outside "${key}" (${sizeBytes} bytes)`);
  }
}

export class InvalidStorageKeyError extends Error {
  override readonly name = 'InvalidStorageKeyError';
  constructor(readonly key: string, reason: string) {
    super(`Invalid storage key "${key}": ${reason}`);
  }
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * Keys are `/`-separated segments of letters, digits, `.`, `_` and `-`, none starting with a dot.
 * That rules out `..`, absolute paths, backslashes and hidden names, so a key can never escape
 * the local data dir and never collides with the driver's own `.tmp` folder. Both
 * drivers apply the same rule, so a key valid on one store is valid on the other.
 */
export function assertValidKey(key: string): void {
  if (key.length === 0 || key.length > 512) throw new InvalidStorageKeyError(key, 'must be 1 to 512 characters');
  for (const segment of key.split('/')) {
    if (!SEGMENT.test(segment)) {
      throw new InvalidStorageKeyError(key, 'segments are letters, digits, ".", "_" or "-" and cannot start with "."');
    }
  }
}

/** Resolves an HTTP-style range against the object size; throws StorageRangeError when nothing is left. */
export function resolveRange(key: string, sizeBytes: number, range: ByteRange): { start: number; end: number } {
  const end = Math.min(range.end ?? sizeBytes - 1, sizeBytes - 1);
  if (!Number.isInteger(range.start) || range.start < 0 || range.start >= sizeBytes || end < range.start) {
    throw new StorageRangeError(key, sizeBytes);
  }
  return { start: range.start, end };
}

/** Headers a presigned URL makes the store answer with. */
export interface SignedResponseHeaders { contentType?: string; contentDisposition?: string }
