import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { BoxAccessService } from '../boxes/box-access.service.js';
import { AppError } from '../common/app-error.js';
import { isUuid } from '../common/is-uuid.js';
import type { AppConfig } from '../config/env.js';
import { CONFIG, STORAGE } from '../common/tokens.js';
import { SNIFF_BYTES, sniffMedia } from '@genbox/media';
import type { StorageDriver } from '../storage/storage.port.js';
import { UnsupportedMediaTypeError } from '../storage/upload-stream.js';
import { AssetsService, tooLarge } from './assets.service.js';
import { LEASE_RENEW_MS, ResumableUploadsRepository, type ResumableUploadRow } from './resumable-uploads.repository.js';
import { parseUploadMetadata, receivedBytes } from './tus-wire.js';

/** Pieces one upload may have: each PATCH stores one, so a client sending tiny chunks is stopped. */
const MAX_PIECES = 10_000;
/** How long a HEAD waits for a PATCH still being written (a dropped connection the server is wrapping up), in ms. */
const SETTLE_WAIT_MS = 10_000;

/**
 * Resumable uploads (tus 1.0 core + creation + termination). Each PATCH streams into its own
 * storage object (a piece), so what arrived before a dropped connection is kept and counted, on
 * either storage driver and on any API node; the row in PostgreSQL holds the offset and the
 * pieces in order. The last byte turns the pieces, read back in order as one stream, into an
 * asset through the same ingest as a multipart upload (type sniff, cap, measuring, row, event).
 */
@Injectable()
export class ResumableUploadService {
  private readonly logger = new Logger('ResumableUpload');

  constructor(
    private readonly uploads: ResumableUploadsRepository,
    private readonly access: BoxAccessService,
    private readonly assets: AssetsService,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  async create(userId: string, boxId: string, headers: IncomingHttpHeaders): Promise<ResumableUploadRow> {
    await this.access.require(boxId, userId, 'editor');
    if (headers['upload-defer-length']) throw new AppError('bad_request', 'Upload-Defer-Length is not supported: send Upload-Length');
    const length = headerInt(headers['upload-length'], 'Upload-Length');
    if (length === 0) throw new AppError('validation_failed', 'file: is empty');
    if (length > this.config.maxUploadBytes) throw tooLarge(this.config.maxUploadBytes);
    const meta = parseUploadMetadata(headers['upload-metadata']);
    return this.uploads.create({ boxId, userId, length, filename: meta.filename?.slice(0, 255) ?? null, prompt: meta.prompt_text?.slice(0, 4000) ?? null, ttlS: this.config.resumableUploads.expiryS });
  }

  /** The upload's state for HEAD; waits a little while a PATCH (e.g. one whose client just dropped) is still storing its piece. */
  async state(userId: string, id: string): Promise<ResumableUploadRow> {
    let row = await this.own(userId, id);
    for (const until = Date.now() + SETTLE_WAIT_MS; row.busy && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
      row = await this.own(userId, id);
    }
    return row;
  }

  /** Appends the request body at `Upload-Offset`; the new offset, and the asset once the last byte is in. */
  async patch(userId: string, id: string, req: IncomingMessage): Promise<{ offset: number; assetId: string | null }> {
    if ((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/offset+octet-stream')
      throw new AppError('unsupported_media_type', 'Send the bytes as Content-Type: application/offset+octet-stream');
    const offset = headerInt(req.headers['upload-offset'], 'Upload-Offset');
    const row = await this.own(userId, id);
    await this.access.require(row.box_id, userId, 'editor');
    if (row.asset_id) {
      if (offset === row.length) return { offset, assetId: row.asset_id }; // the last PATCH again: already done
      throw conflict(row);
    }
    const writer = randomUUID();
    if (!(await this.uploads.claim(id, offset, writer))) {
      const now = await this.own(userId, id);
      if (now.received !== offset) throw conflict(now);
      throw new AppError('conflict', 'Another request is writing this upload right now; ask for its offset (HEAD) and try again', 423);
    }
    const renew = setInterval(() => void this.uploads.renew(id, writer).catch(() => undefined), LEASE_RENEW_MS);
    try {
      let received = offset;
      if (received < row.length) {
        if (row.part_keys.length >= MAX_PIECES) throw new AppError('bad_request', `This upload already has ${MAX_PIECES} pieces: send bigger PATCH bodies`);
        received += await this.storePiece(row, writer, req, offset);
        if (offset === 0 && received > 0) await this.checkKind(userId, id, Math.min(row.length, SNIFF_BYTES));
      }
      if (received < row.length) return { offset: received, assetId: null };
      const asset = await this.assets.uploadFrom(row.user_id, row.box_id, this.piecesInOrder(await this.own(userId, id)), row.prompt);
      const pieces = (await this.own(userId, id)).part_keys;
      await this.uploads.complete(id, writer, asset.id);
      await this.deleteKeys(pieces);
      return { offset: received, assetId: asset.id };
    } catch (e) {
      if (e instanceof AppError && e.status === 415) await this.terminate(userId, id).catch(() => undefined);
      throw e;
    } finally {
      clearInterval(renew);
      await this.uploads.release(id, writer).catch(() => undefined);
    }
  }

  /** DELETE (tus termination): the upload and its pieces go. */
  async terminate(userId: string, id: string): Promise<void> {
    await this.own(userId, id);
    await this.deleteKeys((await this.uploads.remove(id)) ?? []);
  }

  /**
   * Streams the body into a piece of its own. A client that goes away mid-body ends the piece
   * rather than failing it: what arrived is kept, and the client resumes after it.
   */
  private async storePiece(row: ResumableUploadRow, writer: string, req: IncomingMessage, offset: number): Promise<number> {
    const key = `uploads/${row.id}/${String(offset).padStart(13, '0')}-${randomBytes(4).toString('hex')}`;
    const body = receivedBytes(req, row.length - offset);
    const { sizeBytes } = await this.storage.put(key, Readable.from(body.chunks()), { contentType: 'application/octet-stream' }).catch((e) => {
      throw body.overflowed() ? new AppError('payload_too_large', `The body goes past Upload-Length (${row.length} bytes)`) : e;
    });
    if (body.overflowed()) {
      await this.storage.delete(key);
      throw new AppError('payload_too_large', `The body goes past Upload-Length (${row.length} bytes)`);
    }
    if (sizeBytes === 0) return this.storage.delete(key).then(() => 0);
    if (!(await this.uploads.append(row.id, writer, key, sizeBytes, this.config.resumableUploads.expiryS))) {
      await this.storage.delete(key);
      throw new AppError('conflict', 'The upload changed while this request was writing it; ask for its offset (HEAD) and try again');
    }
    return sizeBytes;
  }

  /** Once the first bytes are in, a file that is no image or video is refused at once, not after gigabytes. */
  private async checkKind(userId: string, id: string, want: number): Promise<void> {
    const [first] = (await this.own(userId, id)).part_keys;
    const head: Buffer[] = [];
    for await (const c of (await this.storage.get(first!, { start: 0, end: want - 1 })).stream) head.push(c as Buffer);
    const bytes = Buffer.concat(head);
    // too few bytes to tell yet: the final ingest checks anyway
    if (bytes.length >= want && !sniffMedia(bytes)) throw new AppError('unsupported_media_type', new UnsupportedMediaTypeError().message);
  }

  private piecesInOrder(row: ResumableUploadRow): Readable {
    const storage = this.storage;
    return Readable.from((async function* () {
      for (const key of row.part_keys) yield* (await storage.get(key)).stream;
    })(), { objectMode: false });
  }

  /** The upload when `userId` started it; 404 for anyone else, for unknown ids and for an unfinished upload past its expiry. */
  private async own(userId: string, id: string): Promise<ResumableUploadRow> {
    const row = isUuid(id) ? await this.uploads.find(id) : null;
    if (!row || row.user_id !== userId) throw new AppError('not_found', 'Upload not found');
    // the sweep may not have come by yet: an expired upload is gone all the same
    if (!row.asset_id && row.expires_at.getTime() <= Date.now()) throw new AppError('not_found', 'Upload not found: it expired, start it again');
    return row;
  }

  private async deleteKeys(keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => this.storage.delete(k).catch((e) => this.logger.warn(`could not delete upload piece ${k}: ${(e as Error).message}`))));
  }
}

function headerInt(value: string | string[] | undefined, name: string): number {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text || !/^\d{1,15}$/.test(text)) throw new AppError('bad_request', `${name}: must be a whole number of bytes`);
  return Number(text);
}

const conflict = (row: ResumableUploadRow) =>
  new AppError('conflict', `Upload-Offset does not match: the server has ${row.received} of ${row.length} bytes`);
