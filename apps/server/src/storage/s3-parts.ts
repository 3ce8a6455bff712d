import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

export interface PartsOptions {
  /** Bytes per part (S3's minimum is 5 MB, but for the last). */
  partSize: number;
  /** Parts on their way to S3 at once. */
  queueSize: number;
  /** The body's announced length: any other length fails before the object is made. */
  expectedBytes?: number;
}

/**
 * Streams `body` into one S3 object and answers its size: one PUT when it ends within the first
 * part, else a multipart upload that is aborted on any failure (no parts linger).
 *
 * Written instead of `@aws-sdk/lib-storage`'s Upload for the memory of big files: Upload joins
 * each part into a fresh 5 MB buffer, and those dead buffers pile up until V8 next collects (tens of
 * MB above the parts in flight on a 1 GB upload). Here the parts are a fixed set of buffers,
 * `queueSize + 1` of them, each reused once S3 has taken it, so memory is flat at that whatever
 * the size. A small body never gets one: its chunks go out as they came.
 */
export async function putInParts(client: S3Client, target: { Bucket: string; Key: string; ContentType: string }, body: AsyncIterable<Buffer>, o: PartsOptions): Promise<number> {
  const head: Buffer[] = [];
  let total = 0;
  let current: Buffer | null = null;
  let filled = 0;
  const spare: Buffer[] = [];
  const sent: { PartNumber: number; ETag: string | undefined }[] = [];
  const inFlight = new Set<Promise<void>>();
  let uploadId: string | undefined;
  let failure: unknown;

  const sendPart = async (buf: Buffer, length: number) => {
    uploadId ??= (await client.send(new CreateMultipartUploadCommand(target))).UploadId;
    const PartNumber = sent.length + inFlight.size + 1;
    const part: Promise<void> = client
      .send(new UploadPartCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId, PartNumber, Body: buf.subarray(0, length), ContentLength: length }))
      .then((r) => {
        sent.push({ PartNumber, ETag: r.ETag });
        spare.push(buf); // S3 has all of it: the buffer may take the next part
      }, (err: unknown) => void (failure ??= err))
      .finally(() => inFlight.delete(part));
    inFlight.add(part);
    while (inFlight.size >= o.queueSize && !failure) await Promise.race(inFlight);
    if (failure) throw failure;
  };
  const fill = async (chunk: Buffer) => {
    for (let at = 0; at < chunk.length;) {
      current ??= spare.pop() ?? Buffer.allocUnsafe(o.partSize);
      const n = chunk.copy(current, filled, at);
      filled += n;
      at += n;
      if (filled === o.partSize) {
        const full: Buffer = current;
        current = null;
        filled = 0;
        await sendPart(full, o.partSize);
      }
    }
  };

  const checkLength = () => {
    if (o.expectedBytes !== undefined && o.expectedBytes !== total) throw new Error(`Expected ${o.expectedBytes} bytes for "${target.Key}" but received ${total}`);
  };
  try {
    for await (const chunk of body) {
      total += chunk.length;
      if (uploadId === undefined && current === null && total < o.partSize) {
        head.push(chunk);
        continue;
      }
      for (const c of head.splice(0)) await fill(c);
      await fill(chunk);
    }
    checkLength();
    if (uploadId === undefined && current === null) {
      const bytes = head.length === 1 ? head[0]! : Buffer.concat(head);
      await client.send(new PutObjectCommand({ ...target, Body: bytes, ContentLength: bytes.length }));
      return total;
    }
    if (filled > 0) await sendPart(current!, filled);
    await Promise.all(inFlight);
    if (failure) throw failure;
    sent.sort((a, b) => a.PartNumber - b.PartNumber);
    await client.send(new CompleteMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId, MultipartUpload: { Parts: sent } }));
    return total;
  } catch (err) {
    if (uploadId !== undefined) {
      await Promise.allSettled(inFlight);
      await client.send(new AbortMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId })).catch(() => undefined);
    }
    throw err;
  }
}
