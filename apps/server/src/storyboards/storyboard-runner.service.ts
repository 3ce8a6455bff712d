import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AssetStatusWriter } from '../assets/asset-status.writer.js';
import { CatalogRepository } from '../providers/catalog.repository.js';
import { AppError } from '../common/app-error.js';
import { CreditsService } from '../credits/credits.service.js';
import { STORAGE } from '../common/tokens.js';
import { GenerationQueue } from '../generation/generation.queue.js';
import type { StorageDriver } from '../storage/storage.port.js';
import { FilmMaker } from './film-maker.service.js';
import { nextStep } from './next-step.js';
import { type StoryboardFailed, sceneModelGone, sceneUnpaid } from './storyboard-failures.js';
import { configFor, sceneModelId } from './scene-models.js';
import { StoryboardNotifier } from './storyboard.notifier.js';
import { StoryboardsQueue } from './storyboards.queue.js';
import { StoryboardsRepository, type StoryboardWithScenes } from './storyboards.repository.js';

/** Scenes one `advance` job starts at most (a safety net: each start fills a slot or waits). */
const MAX_STEPS = 40;

/**
 * Runs a storyboard forward from what the database says: starts the next scene as an ordinary
 * generation (the generation pipeline sends it to the provider exactly once), hands a finished
 * scene's last frame and the film to their own jobs, and finishes the storyboard. Each step is
 * guarded by the storyboard's row lock and the scene's empty slot, so a duplicate or resumed job
 * never starts a scene twice.
 */
@Injectable()
export class StoryboardRunner {
  private readonly logger = new Logger('Storyboards');

  constructor(
    private readonly repo: StoryboardsRepository,
    private readonly writer: AssetStatusWriter,
    private readonly catalog: CatalogRepository,
    private readonly generations: GenerationQueue,
    private readonly notifier: StoryboardNotifier,
    private readonly film: FilmMaker,
    private readonly credits: CreditsService,
    private readonly jobs: StoryboardsQueue,
    @Inject(STORAGE) private readonly storage: StorageDriver,
  ) {}

  async advance(id: string): Promise<void> {
    for (let i = 0; i < MAX_STEPS; i++) {
      const sb = await this.repo.find(id);
      if (!sb || sb.row.status !== 'RUNNING') return;
      const step = nextStep(sb);
      switch (step.kind) {
        case 'wait': return;
        case 'scene': await this.startScene(sb, step.index); break;
        case 'frame': return this.jobs.frame({ storyboardId: id, index: step.index, sceneAssetId: sb.scenes[step.index]!.asset_id! });
        case 'film': await this.film.createFilm(sb); break;
        case 'finish': return this.film.finishOrStitch(sb);
        case 'fail': await this.fail(id, step.failed); return;
      }
    }
  }

  /** Creates the scene's generation and enqueues it, in the transaction that fills the scene's slot. */
  private async startScene(sb: StoryboardWithScenes, index: number): Promise<void> {
    const { row } = sb;
    const input = index === 0 ? row.image_asset_id : sb.scenes[index - 1]!.frame_asset_id;
    const model = await this.catalog.findModel(row.model_id);
    if (!model || !model.is_active || !model.provider_active) return this.fail(row.id, sceneModelGone(index + 1, `Scene ${index + 1} could not start: the model ${model?.name ?? ''} is not available any more.`));
    const sceneModel = await this.catalog.findModel(await sceneModelId(this.repo.db, model, !!input));
    if (!sceneModel) return this.fail(row.id, sceneModelGone(index + 1, `Scene ${index + 1} could not start: it has no model.`));
    // the insert holds the scene's price from the storyboard's author (credits trigger): one scene at a time
    const created = await this.credits.charging(row.created_by as string, Number(sceneModel.cost), () => this.repo.locked(row.id, ['RUNNING'], async (q) => {
      const scene = await this.repo.lockScene(q, row.id, index);
      if (!scene || scene.asset_id) return null; // another run of this job got there first
      const [asset] = await this.writer.createIn(q, row.box_id, [{
        box_id: row.box_id, type: 'VIDEO', status: 'PENDING', source_type: input ? 'IMG2VID' : 'GENERATED', parent_asset_id: input,
        model_id: sceneModel.id, prompt: scene.prompt, generation_config: configFor(sceneModel, row.generation_config), created_by: row.created_by as string,
        changes: { webhook_token: randomBytes(18).toString('base64url'), attempts: 1 },
      }]);
      await this.repo.setScene(q, row.id, index, { asset_id: asset!.id });
      return asset!;
    })).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'insufficient_credits') return this.fail(row.id, sceneUnpaid(index + 1, err.message)).then(() => null);
      throw err;
    });
    if (!created) return;
    this.writer.announceCreated(created.value);
    await this.notifier.updated(row.id, created.seq);
    // a worker dying right here leaves the scene PENDING with no job: the queue reconciler gives it one
    await this.generations.submitAttempt(created.value.id, 1);
  }

  private async fail(id: string, { failure, detail }: StoryboardFailed): Promise<void> {
    const moved = await this.repo.locked(id, ['RUNNING'], async (q) => {
      await this.repo.setStatus(q, id, 'FAILED', { error_message: detail, failure, completed_at: new Date() });
      return true;
    });
    if (moved) await this.notifier.updated(id, moved.seq);
    this.logger.warn(`storyboard ${id}: ${detail}`);
  }
}
