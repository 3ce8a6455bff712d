import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import { putInParts } from './s3-parts.js';
import {
  assertValidKey,
  StorageNotFoundError,
  StorageRangeError,
  type ByteRange,
  type SignedResponseHeaders,
  type StorageDriver,
  type StoredObject,
} from './storage.port.js';

export interface S3StorageConfig {
  /** e.g. http://127.0.0.1:9000 for MinIO; unset for AWS itself. */
  endpoint?: string;
  bucket: string;
  region: string;
  /** Unset: the SDK's default chain (env, profile, instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** true for MinIO and most S3-compatible stores (bucket in the path, not the host name). */
  forcePathStyle: boolean;
  /** Create the bucket at init() when it does not exist. */
  createBucket?: boolean;
}

/** Multipart part size in bytes: S3's minimum, so an upload holds at most partSize × (queueSize + 1) in memory. */
const PART_SIZE = 5 * 1024 * 1024;
/** Parts in flight at once: with the one filling, 15 MB per upload, and reading overlaps sending. */
const QUEUE_SIZE = 2;
/** How long a connection to the store may take to open, in ms. */
const CONNECT_TIMEOUT_MS = 5_000;
/**
 * How long a request may go without a byte either way before it counts as lost, in ms (the SDK then
 * retries it on a fresh connection). Not a limit on a request's whole length: a part of a big
 * upload keeps its socket busy throughout, and stores answer within seconds once a body is in.
 */
const SILENT_SOCKET_TIMEOUT_MS = 30_000;

export class S3StorageDriver implements StorageDriver {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(private readonly cfg: S3StorageConfig) {
    this.bucket = cfg.bucket;
    this.client = new S3Client({
      endpoint: cfg.endpoint,
      region: cfg.region,
      forcePathStyle: cfg.forcePathStyle,
      credentials: cfg.accessKeyId && cfg.secretAccessKey ? { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey } : undefined,
      // The SDK's default CRC checksums use aws-chunked trailers that many S3-compatible stores reject.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // the SDK waits forever by default: a connection a load balancer or NAT forgot never answers,
      // and every request on it (a result being stored, the readiness probe) would hang with it
      requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, socketTimeout: SILENT_SOCKET_TIMEOUT_MS },
    });
  }

  /** Creates the bucket when asked to and it is missing; otherwise just checks it is reachable. */
  async init(): Promise<void> {
    if (this.cfg.createBucket) {
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
        return;
      } catch (err) {
        if (statusOf(err) !== 404) throw this.explain(err);
      }
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
      } catch (err) {
        // Another process creating it at the same moment is fine.
        const name = (err as Error).name;
        if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw this.explain(err);
      }
      return;
    }
    await this.health();
  }

  async put(key: string, body: Readable, opts: { contentType: string; contentLength?: number }): Promise<{ sizeBytes: number }> {
    assertValidKey(key);
    try {
      const target = { Bucket: this.bucket, Key: key, ContentType: opts.contentType };
      return { sizeBytes: await putInParts(this.client, target, body, { partSize: PART_SIZE, queueSize: QUEUE_SIZE, expectedBytes: opts.contentLength }) };
    } catch (err) {
      body.destroy();
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject> {
    assertValidKey(key);
    const header = range ? `bytes=${range.start}-${range.end ?? ''}` : undefined;
    let res;
    try {
      res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: header }));
    } catch (err) {
      const status = statusOf(err);
      if (status === 404 || (err as Error).name === 'NoSuchKey') throw new StorageNotFoundError(key);
      if (status === 416) throw new StorageRangeError(key, await this.sizeOf(key));
      throw err;
    }
    const stream = res.Body as Readable;
    const contentType = res.ContentType ?? null;
    // "bytes 0-9/1234": the total is after the slash; a whole-object read has no ContentRange.
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(res.ContentRange ?? '');
    if (range && m) {
      return { stream, contentType, sizeBytes: Number(m[3]), range: { start: Number(m[1]), end: Number(m[2]) } };
    }
    return { stream, contentType, sizeBytes: Number(res.ContentLength ?? 0) };
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    // S3 answers 204 for a missing key too.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async signedUrl(key: string, expiresInS: number, response: SignedResponseHeaders = {}): Promise<string | null> {
    assertValidKey(key);
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentType: response.contentType, ResponseContentDisposition: response.contentDisposition });
    return getSignedUrl(this.client, command, { expiresIn: expiresInS });
  }

  localPath(): null {
    return null;
  }

  async health(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      throw this.explain(err);
    }
  }

  /** Releases the client's sockets (tests, shutdown). */
  close(): void {
    this.client.destroy();
  }

  private async sizeOf(key: string): Promise<number> {
    const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    return Number(res.ContentLength ?? 0);
  }

  /** Turns SDK errors, which often carry only "UnknownError", into a sentence an operator can act on. */
  private explain(err: unknown): Error {
    const where = `bucket "${this.bucket}" at ${this.cfg.endpoint ?? `AWS ${this.cfg.region}`}`;
    const status = statusOf(err);
    if (status === 404) return new Error(`S3 ${where} does not exist (create it, or set the driver to create it)`, { cause: err });
    if (status === 403) return new Error(`S3 ${where} refused our credentials (403): check the access key and its policy`, { cause: err });
    if (status === 301) return new Error(`S3 ${where} lives in another region (301): check the region`, { cause: err });
    const reason = (err as Error)?.message || (err as Error)?.name || String(err);
    return new Error(`S3 ${where} is unreachable or failing: ${reason}`, { cause: err });
  }
}

const statusOf = (err: unknown): number | undefined =>
  err instanceof S3ServiceException ? err.$metadata?.httpStatusCode : (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
