import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SimReply, SimRequest } from './server.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** A real 64x64 PNG and a real 1 s 64x64 H.264 MP4, made once with sharp and ffmpeg and committed. */
export const SAMPLE_PNG: Buffer = readFileSync(fixture('sample.png'));
export const SAMPLE_MP4: Buffer = readFileSync(fixture('sample.mp4'));

export type SampleKind = 'png' | 'mp4';
export const sample = (kind: SampleKind) =>
  kind === 'png' ? { bytes: SAMPLE_PNG, mimeType: 'image/png', ext: 'png' } : { bytes: SAMPLE_MP4, mimeType: 'video/mp4', ext: 'mp4' };

/** A result kept on disk rather than in memory (a bench's 1 GB video): served streamed. */
export interface FileOnDisk {
  path: string;
  mimeType: string;
  ext: string;
}

interface StoredFile {
  bytes: Buffer | FileOnDisk;
  mimeType: string;
  expiresAt: number | null;
  /** Served by a host that never finishes (one byte a second); what it sent and whether the client hung up. */
  trickle?: TrickleRecord;
}

export interface TrickleRecord {
  path: string;
  bytesSent: number;
  /** Downloads started, and those whose connection the client closed. */
  requests: number;
  closed: number;
}

/**
 * Result files served by a simulator at `<base>/files/<id>.<ext>`. After its TTL a file answers 404,
 * like Kie's 24 h and Replicate's 1 h result URLs.
 */
export class FileShelf {
  private readonly files = new Map<string, StoredFile>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Stores bytes and answers the path (append it to the server URL). */
  put(bytes: Buffer, mimeType: string, ext: string, ttlMs?: number | null): string {
    const name = `${randomUUID()}.${ext}`;
    this.files.set(name, { bytes, mimeType, expiresAt: ttlMs ? this.now() + ttlMs : null });
    return `/files/${name}`;
  }

  putSample(kind: SampleKind, ttlMs?: number | null): string {
    const s = sample(kind);
    return this.put(s.bytes, s.mimeType, s.ext, ttlMs);
  }

  /** Every file served by a trickling host, in the order they were made. */
  readonly trickles: TrickleRecord[] = [];

  /** A sample served with its headers at once and then one byte a second, for ever: a host too slow to finish. */
  putTrickling(kind: SampleKind): string {
    const path = this.putSample(kind);
    const record: TrickleRecord = { path, bytesSent: 0, requests: 0, closed: 0 };
    this.get(path)!.trickle = record;
    this.trickles.push(record);
    return path;
  }

  /** Serves a file from disk, read as it is sent (never whole in memory); answers the path like put(). */
  putFile(file: FileOnDisk, ttlMs?: number | null): string {
    const name = `${randomUUID()}.${file.ext}`;
    this.files.set(name, { bytes: file, mimeType: file.mimeType, expiresAt: ttlMs ? this.now() + ttlMs : null });
    return `/files/${name}`;
  }

  get(path: string): StoredFile | undefined {
    return this.files.get(path.replace(/^\/files\//, ''));
  }

  /** Answers GET /files/… or undefined when the path is not a file path. */
  serve(req: SimRequest): SimReply | undefined {
    if (req.method !== 'GET' || !req.path.startsWith('/files/')) return undefined;
    const file = this.get(req.path);
    if (!file || (file.expiresAt !== null && this.now() >= file.expiresAt)) {
      return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
    }
    const trickle = file.trickle;
    if (trickle) {
      trickle.requests++;
      const record = { everyMs: 1000, onByte: () => void trickle.bytesSent++, onClose: () => void trickle.closed++ };
      return { status: 200, headers: { 'content-type': file.mimeType }, body: file.bytes, trickle: record };
    }
    if (Buffer.isBuffer(file.bytes)) return { status: 200, headers: { 'content-type': file.mimeType, 'content-length': String(file.bytes.length) }, body: file.bytes };
    return { status: 200, headers: { 'content-type': file.mimeType, 'content-length': String(statSync(file.bytes.path).size) }, file: file.bytes.path };
  }
}
