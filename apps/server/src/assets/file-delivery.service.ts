import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TokenService, tokenFromHeader } from '../auth/token.service.js';
import { requireScope, runWithAccess } from '../common/access-context.js';
import { AppError } from '../common/app-error.js';
import { CONFIG, STORAGE } from '../common/tokens.js';
import type { AppConfig } from '../config/env.js';
import { StorageNotFoundError, StorageRangeError, type StorageDriver } from '../storage/storage.port.js';
import { AssetsRepository } from './assets.repository.js';
import { AssetsService } from './assets.service.js';
import { fileDisposition, setStoredFileHeaders } from './file-headers.js';
import { FileUrls, type FileVariant } from './file-urls.js';
import { isUuid } from '../common/is-uuid.js';

/**
 * Serves an asset's bytes to whoever holds a valid signed URL or a member's token: streamed,
 * with Range support so videos seek; with S3, a redirect to a presigned URL instead.
 */
@Injectable()
export class FileDeliveryService {
  constructor(
    private readonly urls: FileUrls,
    private readonly tokens: TokenService,
    private readonly assets: AssetsRepository,
    private readonly assetsService: AssetsService,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  async send(assetId: string, variant: FileVariant, req: Request, res: Response): Promise<void> {
    const signed = this.urls.verify(assetId, variant, req.query.exp as string, req.query.sig as string);
    let row = signed && isUuid(assetId) ? await this.assets.find(assetId) : null;
    if (!signed) {
      const token = tokenFromHeader(req.headers.authorization);
      const principal = token ? await this.tokens.authenticate(token) : null;
      if (!principal) throw new AppError('unauthorized', 'Send a token, or use the signed file_url of the asset');
      requireScope('read', principal.access);
      row = await runWithAccess(principal.access, () => this.assetsService.readable(principal.user.id, assetId, 'viewer'));
    }
    const key = variant === 'file' ? row?.storage_key : row?.thumbnail_key;
    if (!row || !key) throw new AppError('not_found', variant === 'file' ? 'This asset has no file yet' : 'This asset has no thumbnail');

    // a small image is its own thumbnail (same key): it keeps its own type
    const type = (variant === 'file' || key === row.storage_key ? row.mime_type : 'image/webp') ?? 'application/octet-stream';
    // ?download=1: the browser saves it (a signed URL from another origin ignores <a download>)
    const disposition = fileDisposition(row.id, type, variant, req.query.download === '1');

    // on AWS S3 the browser fetches straight from the bucket; a custom endpoint (MinIO) is often
    // an internal host name, so those bytes are streamed through here
    if (this.config.storage.storage === 's3' && !this.config.storage.s3.endpoint) {
      const presigned = await this.storage.signedUrl(key, 3600, { contentType: type, contentDisposition: disposition });
      if (presigned) return void res.redirect(302, presigned);
    }

    const range = parseRange(req.headers.range);
    try {
      const obj = await this.storage.get(key, range);
      setStoredFileHeaders(res, type, disposition);
      res.setHeader('Accept-Ranges', 'bytes');
      // signed URLs change at most hourly, so the browser may keep the bytes (they never change under one id)
      res.setHeader('Cache-Control', 'private, max-age=3600');
      if (obj.range) {
        res.status(206).setHeader('Content-Range', `bytes ${obj.range.start}-${obj.range.end}/${obj.sizeBytes}`);
        res.setHeader('Content-Length', obj.range.end - obj.range.start + 1);
      } else {
        res.setHeader('Content-Length', obj.sizeBytes);
      }
      obj.stream.on('error', () => res.destroy());
      obj.stream.pipe(res);
    } catch (e) {
      if (e instanceof StorageRangeError) {
        res.status(416).setHeader('Content-Range', `bytes */${e.sizeBytes}`);
        return void res.end();
      }
      if (e instanceof StorageNotFoundError) throw new AppError('not_found', 'The stored file is missing');
      throw e;
    }
  }
}

function parseRange(h: string | undefined): { start: number; end?: number } | undefined {
  const m = /^bytes=(\d+)-(\d*)$/.exec(h ?? '');
  if (!m) return undefined;
  return { start: Number(m[1]), end: m[2] ? Number(m[2]) : undefined };
}
