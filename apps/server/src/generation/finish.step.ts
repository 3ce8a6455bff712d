import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AssetType } from '@genbox/contracts';
import { inspectImageBytes } from '@genbox/media';
import { ProviderError } from '@genbox/providers';
import type { AssetRow } from '../assets/asset.row.js';
import { AssetStatusWriter } from '../assets/asset-status.writer.js';
import { AssetsRepository } from '../assets/assets.repository.js';
import { storageKeys } from '../assets/storage-keys.js';
import type { AppConfig } from '../config/env.js';
import { unavailableDependency } from '../common/dependency-errors.js';
import { CONFIG, STORAGE } from '../common/tokens.js';
import { inspectStoredMedia, storeThumbnail } from '../media/media-inspector.js';
import { downloadToStorage } from './safe-download.js';
import { StorageNotFoundError, type StorageDriver } from '../storage/storage.port.js';
import { ingestUpload } from '../storage/upload-stream.js';
import type { GenerationJobs } from './generation.jobs.js';
import { AssetOutcomes } from './asset-outcomes.service.js';
import { toFailure } from './provider-failure.js';

/** Where a result comes from: a finish job's source, or bytes already in this process's hands. */
export type ResultSource = GenerationJobs['finish']['source'] | { bytes: Buffer };

/**
 * The `finish` job: store the provider's result with a thumbnail and go COMPLETED. Safe to run
 * twice: a run that finds the asset no longer PROCESSING (COMPLETED by the first run, canceled,
 * retried) does nothing; a run after a crash mid-download writes a fresh copy under its own key.
 */
@Injectable()
export class FinishStep {
  private readonly logger = new Logger('Finish');

  constructor(
    private readonly assets: AssetsRepository,
    private readonly writer: AssetStatusWriter,
    private readonly outcomes: AssetOutcomes,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /** Runs a finish job, or (with `bytes` as the source) stores a sync provider's bytes where they were received. */
  async finish(data: Omit<GenerationJobs['finish'], 'source'> & { source: ResultSource }): Promise<void> {
    const { source } = data;
    const stagingKey = 'stagingKey' in source ? source.stagingKey : null;
    const inline = 'bytes' in source ? source.bytes : 'base64' in source ? Buffer.from(source.base64, 'base64') : null;
    // bytes in the job cost nothing to store again: the attempt-guarded transition below is the
    // check, and a run that loses it deletes its own copy. A download or staged file is worth a look first.
    let target: { id: string; box_id: string; type: AssetType } | null = inline && data.boxId && data.type ? { id: data.assetId, box_id: data.boxId, type: data.type } : null;
    if (!target) {
      const asset = await this.current(data);
      if (!asset) {
        if (stagingKey) await this.storage.delete(stagingKey);
        return;
      }
      target = asset;
    }
    const keys = storageKeys(target.box_id, target.id);
    const limits = { storage: this.storage, key: keys.file, maxBytes: this.config.maxResultBytes, allowedTypes: [target.type] };
    let stored;
    try {
      if (inline) stored = await ingestUpload(Readable.from([inline]), limits);
      else if (stagingKey) stored = await ingestUpload((await this.storage.get(stagingKey)).stream, limits);
      else stored = await downloadToStorage((source as { url: string }).url, { ...limits, allowPrivateNetwork: data.allowPrivateNetwork, pace: this.config.resultDownload });
    } catch (err) {
      if (err instanceof StorageNotFoundError && err.key === stagingKey) {
        // the staged result is gone (a Redis without persistence lost its finish job long ago)
        return this.outcomes.fail(target.id, { code: 'result_lost', message: `The result from ${data.providerName} was lost before it could be stored: retry the generation` });
      }
      if (err instanceof ProviderError && err.retry !== false) throw err; // the job retries the download
      // our own store out of reach is no fault of the result: the processor waits for it and runs this again
      if (unavailableDependency(err)) throw err;
      if (stagingKey) await this.storage.delete(stagingKey);
      // only this attempt, still PROCESSING, fails: a late job of an earlier attempt leaves the asset alone
      if (await this.current(data)) await this.outcomes.fail(target.id, toFailure(err, data.providerName));
      return;
    }
    // bytes already in memory are measured there: no read back from storage
    const facts = inline && target.type === 'IMAGE' ? await inspectImageBytes(inline) : await inspectStoredMedia(this.storage, keys.file, target.type);
    const thumbnailKey = await storeThumbnail(this.storage, keys, facts);
    const moved = await this.writer.move(target.id, ['PROCESSING'], 'COMPLETED', {
      storage_key: keys.file, thumbnail_key: thumbnailKey, mime_type: stored.mimeType, size_bytes: stored.sizeBytes,
      width: facts.width, height: facts.height, duration_s: facts.durationS, progress: 100, completed_at: new Date(), error_code: null, error_message: null,
    }, { onlyAttempt: data.assetAttempt });
    if (!moved) {
      this.logger.debug(`${target.id} left PROCESSING (or this attempt) while its result was stored: dropping the copy`);
      await Promise.all([this.storage.delete(keys.file), this.storage.delete(keys.thumbnail)]);
    }
    if (stagingKey) await this.storage.delete(stagingKey);
  }

  /** The asset when this job's attempt of it is still PROCESSING, else null (finished, canceled, retried or deleted). */
  private async current(data: { assetId: string; assetAttempt: number }): Promise<AssetRow | null> {
    const asset = await this.assets.find(data.assetId);
    return asset && asset.status === 'PROCESSING' && asset.attempts === data.assetAttempt ? asset : null;
  }
}
