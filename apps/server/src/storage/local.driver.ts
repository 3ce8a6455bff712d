import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, constants, mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertValidKey,
  resolveRange,
  StorageNotFoundError,
  type ByteRange,
  type StorageDriver,
  type StoredObject,
} from './storage.port.js';

/** Bodies up to this size are gathered in memory and written with one call, in bytes; larger ones stream. */
const SMALL_PUT_BYTES = 64 * 1024;
/** Bytes a streamed put may hold waiting for the disk. */
const WRITE_BATCH_BYTES = 1024 * 1024;

/** Content types the local driver reports, by the key's extension; other keys report none. */
const TYPES_BY_EXTENSION: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif',
  mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime', json: 'application/json', txt: 'text/plain',
};

/**
 * Files under a data dir. `<dir>/<key>` holds the bytes and `<dir>/.tmp` the in-flight writes: a
 * put lands by rename(2), atomic on one filesystem, so readers see the whole file or none. Keys
 * cannot start a segment with a dot, so the temp folder cannot be reached.
 *
 * The content type given to put() is not kept: the asset row holds the mime type the server
 * serves, and get() names one only from the key's extension. A sidecar file per object used to
 * keep it, but creating a file is the dearest thing a put does (on a busy ext4 disk, most of a
 * millisecond with the event loop waiting), and every generation paid for two.
 */
export class LocalStorageDriver implements StorageDriver {
  readonly kind = 'local' as const;
  private readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir);
  }

  /** Creates the data dir (and its temp dir) if missing. */
  async init(): Promise<void> {
    await mkdir(this.tmpDir(), { recursive: true });
  }

  async put(key: string, body: Readable, opts: { contentType: string; contentLength?: number }): Promise<{ sizeBytes: number }> {
    const file = this.pathOf(key);
    const tmp = join(this.tmpDir(), randomUUID());
    let landed = false;
    try {
      const head = await readUpTo(body, SMALL_PUT_BYTES);
      let sizeBytes: number;
      // asynchronous calls, off the event loop: creating a file waits for the filesystem's journal,
      // which a busy disk (PostgreSQL committing on it) holds for up to a millisecond or more; a
      // synchronous open stalled every other job of the worker for that long
      if ('bytes' in head) {
        await making(tmp, () => writeFile(tmp, head.bytes, { flag: 'wx' }));
        sizeBytes = head.bytes.length;
      } else {
        // a 1 MB buffer lets chunks that arrive while a write is under way go out together in one
        // writev, rather than one trip to the thread pool per 64 KB network chunk
        const out = (await making(tmp, () => open(tmp, 'wx'))).createWriteStream({ highWaterMark: WRITE_BATCH_BYTES }); // closes the handle when done
        await pipeline(head.rest, out);
        sizeBytes = out.bytesWritten;
      }
      checkLength(key, opts.contentLength, sizeBytes);
      await making(file, () => rename(tmp, file));
      landed = true;
      return { sizeBytes };
    } finally {
      if (!landed) await rm(tmp, { force: true });
    }
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject> {
    const file = this.pathOf(key);
    let sizeBytes: number;
    try {
      const st = await stat(file);
      if (!st.isFile()) throw new StorageNotFoundError(key);
      sizeBytes = st.size;
    } catch (err) {
      if (err instanceof StorageNotFoundError || isMissing(err)) throw new StorageNotFoundError(key);
      throw err;
    }
    const contentType = TYPES_BY_EXTENSION[/\.([a-z0-9]+)$/i.exec(key)?.[1]?.toLowerCase() ?? ''] ?? null;
    if (!range) return { stream: createReadStream(file), sizeBytes, contentType };
    const served = resolveRange(key, sizeBytes, range);
    return { stream: createReadStream(file, served), sizeBytes, contentType, range: served };
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async signedUrl(): Promise<string | null> {
    return null;
  }

  localPath(key: string): string {
    return this.pathOf(key);
  }

  async health(): Promise<void> {
    try {
      await mkdir(this.tmpDir(), { recursive: true });
      await access(this.root, constants.R_OK | constants.W_OK);
      const probe = join(this.tmpDir(), `health-${randomUUID()}`);
      await writeFile(probe, 'ok');
      await rm(probe, { force: true });
    } catch (err) {
      throw new Error(`Local storage at ${this.root} is not writable: ${(err as Error).message}`);
    }
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    const file = resolve(this.root, key);
    // Belt and braces: the key rule already forbids "..", this makes escaping structurally impossible.
    if (!file.startsWith(this.root + sep)) throw new Error(`Key "${key}" resolves outside the data dir`);
    return file;
  }

  private tmpDir(): string {
    return join(this.root, '.tmp');
  }
}

/**
 * Runs a write to `path`, making its directory only when the write finds it missing: most writes
 * go into folders that exist, and every call saved counts on a busy worker.
 */
async function making<T>(path: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(dirname(path), { recursive: true });
    return write();
  }
}

function checkLength(key: string, expected: number | undefined, sizeBytes: number): void {
  if (expected !== undefined && expected !== sizeBytes) throw new Error(`Expected ${expected} bytes for "${key}" but received ${sizeBytes}`);
}

/**
 * Reads `body` until it ends or passes `max` bytes: the whole body when it fits, else everything
 * (what was read, then the rest) as an iterable for pipeline() to write. Not wrapped in a Readable
 * again: pipeline writes an iterable's chunks straight to the file stream, and every stream layer
 * costs a buffer hand-off and a promise per network chunk (16 000 of them in a GB). Errors of the
 * source reach whichever reads it.
 */
async function readUpTo(body: Readable, max: number): Promise<{ bytes: Buffer } | { rest: AsyncIterable<Buffer> }> {
  const it = body[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const r = await it.next();
    if (r.done) return { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) };
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as string);
    chunks.push(chunk);
    size += chunk.length;
    if (size > max) break;
  }
  async function* rest() {
    try {
      yield* chunks;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Buffer;
    } finally {
      await it.return?.(); // the writer failed: stop reading (and destroy) the source
    }
  }
  return { rest: rest() };
}

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException)?.code === 'ENOENT' || (err as NodeJS.ErrnoException)?.code === 'ENOTDIR';
