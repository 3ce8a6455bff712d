import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { inspectImageBytes, MediaToolError } from '@genbox/media';
import { AssetStatusWriter } from '../assets/asset-status.writer.js';
import { AssetsRepository } from '../assets/assets.repository.js';
import { storageKeys } from '../assets/storage-keys.js';
import { STORAGE } from '../common/tokens.js';
import { inspectStoredMedia, storeThumbnail } from '../media/media-inspector.js';
import type { StorageDriver } from '../storage/storage.port.js';
import { lastFrame, stitchFilm } from './film-tools.js';
import { filmFailed } from './storyboard-failures.js';
import { StoryboardNotifier } from './storyboard.notifier.js';
import { StoryboardsQueue } from './storyboards.queue.js';
import { StoryboardsRepository, type StoryboardWithScenes } from './storyboards.repository.js';

/** The storyboard's own media steps: a scene's last frame as an image asset, and the stitched film. */
@Injectable()
export class FilmMaker {
  private readonly logger = new Logger('Storyboards');

  constructor(
    private readonly repo: StoryboardsRepository,
    private readonly assets: AssetsRepository,
    private readonly writer: AssetStatusWriter,
    private readonly notifier: StoryboardNotifier,
    private readonly jobs: StoryboardsQueue,
    @Inject(STORAGE) private readonly storage: StorageDriver,
  ) {}

  /**
   * Extracts the last frame of scene `index` and keeps it as a COMPLETED image asset (child of the
   * scene, parent of the next one). The file is stored first; the asset appears with the scene's
   * slot filled in one transaction, and a run that loses the slot removes its own file.
   */
  async storeLastFrame(storyboardId: string, index: number, sceneAssetId: string): Promise<void> {
    const sb = await this.repo.find(storyboardId);
    const scene = sb?.scenes[index];
    // a retried scene, a stored frame or a stopped storyboard: this job is out of date
    if (!sb || sb.row.status !== 'RUNNING' || scene?.asset_id !== sceneAssetId || scene.asset_status !== 'COMPLETED' || (scene.frame_asset_id && scene.frame_status === 'COMPLETED')) return;
    const { row } = sb;
    const startedAt = new Date();
    const bytes = await this.withFiles(async (dir) => lastFrame(await this.download(scene.asset_id!, dir, 'scene.mp4'), dir));
    const id = randomUUID();
    const keys = storageKeys(row.box_id, id);
    const { sizeBytes } = await this.storage.put(keys.file, Readable.from([bytes]), { contentType: 'image/png', contentLength: bytes.length });
    const facts = await inspectImageBytes(bytes);
    const thumbnailKey = await storeThumbnail(this.storage, keys, facts);
    const created = await this.repo.locked(row.id, ['RUNNING'], async (q) => {
      const slot = await this.repo.lockScene(q, row.id, index);
      if (!slot || slot.asset_id !== scene.asset_id || slot.frame_asset_id) return null;
      const [asset] = await this.writer.createIn(q, row.box_id, [{
        id, box_id: row.box_id, type: 'IMAGE', status: 'COMPLETED', source_type: 'GENERATED', parent_asset_id: scene.asset_id, prompt: `Last frame of scene ${index + 1}: ${scene.prompt}`,
        created_by: row.created_by as string,
        changes: { storage_key: keys.file, thumbnail_key: thumbnailKey, mime_type: 'image/png', size_bytes: sizeBytes, width: facts.width, height: facts.height, started_at: startedAt, completed_at: new Date(), progress: 100, attempts: 1 },
      }]);
      await this.repo.setScene(q, row.id, index, { frame_asset_id: id });
      return asset!;
    });
    if (!created) {
      await Promise.all([this.storage.delete(keys.file), this.storage.delete(keys.thumbnail)]);
      return;
    }
    this.writer.announceCreated(created.value);
    await this.notifier.updated(row.id, created.seq);
    await this.jobs.advance(row.id); // the next scene can start now
  }

  /**
   * The film: its asset appears PROCESSING (a card everyone sees), then the scenes are normalized
   * and concatenated and it goes COMPLETED with a poster. A run that died mid-stitch is simply
   * stitched again by the next one: the asset stays PROCESSING until a stitch lands.
   */
  async createFilm(sb: StoryboardWithScenes): Promise<void> {
    const { row, scenes } = sb;
    const last = scenes[scenes.length - 1]!;
    const made = await this.repo.locked(row.id, ['RUNNING'], async (q, cur) => {
      if (cur.final_asset_id) return null;
      const [asset] = await this.writer.createIn(q, row.box_id, [{
        box_id: row.box_id, type: 'VIDEO', status: 'PROCESSING', source_type: 'GENERATED', parent_asset_id: last.asset_id, prompt: row.prompt,
        generation_config: { storyboard_id: row.id, scenes: scenes.length }, created_by: row.created_by as string,
        changes: { provider_state: 'stitching', started_at: new Date(), attempts: 1 },
      }]);
      await this.repo.setStatus(q, row.id, 'RUNNING', { final_asset_id: asset!.id });
      return asset!;
    });
    if (made) {
      this.writer.announceCreated(made.value);
      await this.notifier.updated(row.id, made.seq);
    }
  }

  /** The `film` job: stitches the scenes into the PROCESSING film asset, then lets `advance` finish the storyboard. */
  async stitch(storyboardId: string, filmAssetId: string): Promise<void> {
    const sb = await this.repo.find(storyboardId);
    if (!sb || sb.row.status !== 'RUNNING' || sb.row.final_asset_id !== filmAssetId) return;
    if ((await this.assets.find(filmAssetId))?.status !== 'PROCESSING') return;
    await this.render(sb, filmAssetId);
    await this.jobs.advance(storyboardId);
  }

  /** While the film is PROCESSING its job is (re-)enqueued; once it ended, the storyboard ends with it. */
  async finishOrStitch(sb: StoryboardWithScenes): Promise<void> {
    const { row } = sb;
    const done = await this.assets.find(row.final_asset_id!);
    if (done?.status === 'PROCESSING') return this.jobs.film({ storyboardId: row.id, filmAssetId: done.id });
    const ok = done?.status === 'COMPLETED';
    const failed = ok ? null : filmFailed(`The film could not be made: ${done?.error_message ?? 'its asset is gone'}`);
    const moved = await this.repo.locked(row.id, ['RUNNING'], async (q) => {
      await this.repo.setStatus(q, row.id, ok ? 'COMPLETED' : 'FAILED', { completed_at: new Date(), error_message: failed?.detail ?? null, failure: failed?.failure ?? null });
      return true;
    });
    if (moved) await this.notifier.updated(row.id, moved.seq);
  }

  private async render(sb: StoryboardWithScenes, filmId: string): Promise<void> {
    const keys = storageKeys(sb.row.box_id, filmId);
    try {
      const sizeBytes = await this.withFiles(async (dir) => {
        const clips: string[] = [];
        for (const s of sb.scenes) clips.push(await this.download(s.asset_id!, dir, `scene-${s.index}.mp4`));
        const out = join(dir, 'film.mp4');
        await stitchFilm(clips, out);
        const size = (await stat(out)).size;
        await this.storage.put(keys.file, createReadStream(out), { contentType: 'video/mp4', contentLength: size });
        return size;
      });
      const facts = await inspectStoredMedia(this.storage, keys.file, 'VIDEO');
      const thumbnailKey = await storeThumbnail(this.storage, keys, facts);
      const moved = await this.writer.move(filmId, ['PROCESSING'], 'COMPLETED', {
        storage_key: keys.file, thumbnail_key: thumbnailKey, mime_type: 'video/mp4', size_bytes: sizeBytes, width: facts.width, height: facts.height,
        duration_s: facts.durationS, progress: 100, provider_state: null, completed_at: new Date(),
      });
      if (!moved) await Promise.all([this.storage.delete(keys.file), this.storage.delete(keys.thumbnail)]);
    } catch (err) {
      if (!(err instanceof MediaToolError)) throw err; // storage or database: the job retries
      this.logger.warn(`film ${filmId} could not be stitched: ${err.message}`);
      await this.writer.move(filmId, ['PROCESSING'], 'FAILED', { error_code: 'stitch_failed', error_message: `The scenes could not be stitched: ${err.message}`, completed_at: new Date() });
    }
  }

  private async download(assetId: string, dir: string, name: string): Promise<string> {
    const asset = await this.assets.find(assetId);
    if (!asset?.storage_key) throw new Error(`asset ${assetId} has no stored file`);
    const path = join(dir, name);
    await pipeline((await this.storage.get(asset.storage_key)).stream, createWriteStream(path));
    return path;
  }

  private async withFiles<T>(fn: (dir: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), 'genbox-storyboard-'));
    try {
      return await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
