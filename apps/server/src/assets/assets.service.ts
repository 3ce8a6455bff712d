import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { AssetDto, AssetHistoryEntry } from '@genbox/contracts';
import { BoxAccessService } from '../boxes/box-access.service.js';
import { isUuid } from '../common/is-uuid.js';
import { currentAccess } from '../common/access-context.js';
import { AppError } from '../common/app-error.js';
import type { AppConfig } from '../config/env.js';
import { CONFIG, STORAGE } from '../common/tokens.js';
import { inspectStoredMedia, storeThumbnail } from '../media/media-inspector.js';
import type { StorageDriver } from '../storage/storage.port.js';
import { EmptyUploadError, type StoredMedia, UnsupportedMediaTypeError, UploadAbortedError, UploadTooLargeError, formatBytes, ingestUpload } from '../storage/upload-stream.js';
import { type ListQueryInput, decodeCursor, encodeCursor, toFilter } from './asset-list.query.js';
import { cardJson } from './asset-list.json.js';
import { AssetListRepository } from './asset-list.repository.js';
import { AssetMapper } from './asset.mapper.js';
import { AssetNotifier } from './asset.notifier.js';
import { type AssetWritten, AssetStatusWriter } from './asset-status.writer.js';
import type { AssetRow } from './asset.row.js';
import { AssetsRepository } from './assets.repository.js';
import { FileUrls } from './file-urls.js';
import { readMultipart } from './multipart-upload.js';
import { storageKeys } from './storage-keys.js';

@Injectable()
export class AssetsService {
  constructor(
    private readonly assets: AssetsRepository,
    private readonly listing: AssetListRepository,
    private readonly access: BoxAccessService,
    private readonly mapper: AssetMapper,
    private readonly urls: FileUrls,
    private readonly notifier: AssetNotifier,
    private readonly writer: AssetStatusWriter,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A page of the box's assets under the filters, as the AssetPage's JSON text (the cards come
   * from PostgreSQL as JSON, asset-list.json.ts); the first page also counts them all.
   * `forAdmin`: the caller is an admin (sees the provider's raw failure words; see AssetMapper).
   */
  async listJson(userId: string, boxId: string, q: ListQueryInput, forAdmin = false): Promise<string> {
    if (!isUuid(boxId)) throw new AppError('not_found', 'Box not found');
    // the page query checks membership itself; a token's box limit is checked here, before it
    if (currentAccess()?.boxIds) await this.access.require(boxId, userId, 'viewer');
    const filter = toFilter(q);
    const after = decodeCursor(q.cursor, filter.sort);
    const [rows, total] = await Promise.all([
      this.listing.page(boxId, userId, filter, after, q.limit + 1, forAdmin),
      after ? null : this.listing.count(boxId, filter),
    ]);
    // nothing read: either nothing matches or this is no member (the count above is then dropped unseen)
    if (!rows.length) await this.access.require(boxId, userId, 'viewer');
    const page = rows.length > q.limit ? rows.slice(0, q.limit) : rows;
    const last = page[page.length - 1];
    const next = rows.length > q.limit && last ? JSON.stringify(encodeCursor(filter.sort, last.created_iso, last.id)) : 'null';
    return `{"items":[${page.map((r) => cardJson(r, this.urls)).join(',')}],"next_cursor":${next},"total":${total}}`;
  }

  async get(userId: string, assetId: string, forAdmin = false): Promise<AssetDto> {
    return this.mapper.toDto(await this.readable(userId, assetId, 'viewer'), forAdmin);
  }

  /** Every status change of the asset, oldest first; what the provider said of a failure, to admins only. */
  async history(userId: string, assetId: string, forAdmin = false): Promise<{ items: AssetHistoryEntry[] }> {
    await this.readable(userId, assetId, 'viewer');
    const rows = await this.assets.history(assetId);
    const detailOf = (d: Record<string, unknown> | null) => (d && !forAdmin ? withoutProviderWords(d) : d);
    return { items: rows.map((r) => ({ from_status: r.from_status, to_status: r.to_status, at: r.at.toISOString(), detail: detailOf((r.detail as Record<string, unknown> | null) ?? null) })) };
  }

  /** What was made from the asset (lineage, downwards). */
  async children(userId: string, assetId: string, forAdmin = false): Promise<{ items: AssetDto[] }> {
    await this.readable(userId, assetId, 'viewer');
    return { items: (await this.assets.childrenOf(assetId)).map((r) => this.mapper.toDto(r, forAdmin)) };
  }

  /** The asset when the user may act on it with that role; 404 for outsiders and unknown ids alike. */
  async readable(userId: string, assetId: string, atLeast: 'viewer' | 'editor'): Promise<AssetRow> {
    const row = isUuid(assetId) ? await this.assets.find(assetId) : null;
    if (!row) throw new AppError('not_found', 'Asset not found');
    await this.access.require(row.box_id, userId, atLeast).catch((e: AppError) => {
      throw e.status === 404 ? new AppError('not_found', 'Asset not found') : e;
    });
    return row;
  }

  async upload(userId: string, boxId: string, req: IncomingMessage): Promise<AssetDto> {
    await this.access.require(boxId, userId, 'editor');
    const declared = Number(req.headers['content-length']);
    if (declared > this.config.maxUploadBytes + 64 * 1024) throw tooLarge(this.config.maxUploadBytes);
    return this.storeAndRecord(userId, boxId, async (key) => {
      const { file, fields } = await readMultipart(req, (stream) => this.ingest(stream, key));
      return { stored: file, promptText: fields.prompt_text };
    });
  }

  /**
   * An upload whose bytes arrived some other way (a finished resumable upload): the same checks,
   * measuring and row as a multipart upload. The caller has checked the editor role.
   */
  async uploadFrom(userId: string, boxId: string, source: Readable, promptText: string | null): Promise<AssetDto> {
    return this.storeAndRecord(userId, boxId, async (key) => ({ stored: await this.ingest(source, key), promptText }));
  }

  private ingest(stream: Readable, key: string): Promise<StoredMedia> {
    return ingestUpload(stream, { storage: this.storage, key, maxBytes: this.config.maxUploadBytes }).catch((e) => {
      throw mapUploadError(e, this.config.maxUploadBytes);
    });
  }

  /** Stores the file under a fresh key, measures it and inserts the COMPLETED, UPLOADED row; keeps nothing on failure. */
  private async storeAndRecord(userId: string, boxId: string, store: (key: string) => Promise<{ stored: StoredMedia; promptText?: string | null }>): Promise<AssetDto> {
    const id = randomUUID();
    const keys = storageKeys(boxId, id);
    let created: AssetWritten | undefined;
    try {
      const { stored, promptText } = await store(keys.file);
      const facts = await inspectStoredMedia(this.storage, keys.file, stored.type);
      const thumbnailKey = await storeThumbnail(this.storage, keys, facts);
      const prompt = promptText?.trim().slice(0, 4000) || null;
      [created] = await this.writer.create(boxId, [{
        id, box_id: boxId, type: stored.type, status: 'COMPLETED', source_type: 'UPLOADED', prompt, created_by: userId,
        changes: { storage_key: keys.file, thumbnail_key: thumbnailKey, mime_type: stored.mimeType, size_bytes: stored.sizeBytes, width: facts.width, height: facts.height, duration_s: facts.durationS, completed_at: new Date(), progress: null },
      }]);
    } catch (e) {
      // the file may be stored already (the form broke after it, or the box went meanwhile): keep nothing without a row
      await Promise.all([this.storage.delete(keys.file), this.storage.delete(keys.thumbnail)]).catch(() => undefined);
      if ((e as { code?: string }).code === '23503') throw new AppError('not_found', 'Box not found'); // deleted during the upload
      throw e;
    }
    return created!.dto;
  }

  async delete(userId: string, assetId: string): Promise<void> {
    await this.readable(userId, assetId, 'editor');
    const gone = await this.assets.delete(assetId);
    if (!gone) return;
    this.notifier.deleted(gone.boxId, assetId, gone.seq);
    await Promise.all(gone.keys.map((k) => this.storage.delete(k)));
  }

}

/** A history detail as a non-admin may read it: the codes, not the provider's raw words. */
function withoutProviderWords(d: Record<string, unknown>): Record<string, unknown> {
  const { message: _m, error_message: _e, ...rest } = d;
  return rest;
}

export const tooLarge = (max: number) => new AppError('payload_too_large', `The file is larger than the ${formatBytes(max)} limit`);

function mapUploadError(e: unknown, max: number): unknown {
  if (e instanceof UploadTooLargeError) return tooLarge(max);
  if (e instanceof UnsupportedMediaTypeError) return new AppError('unsupported_media_type', `${e.message}`);
  if (e instanceof EmptyUploadError) return new AppError('validation_failed', 'file: is empty');
  if (e instanceof UploadAbortedError) return new AppError('bad_request', e.message);
  return e;
}
