import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { CreateStoryboardRequest, RetrySceneRequest, StoryboardDto, UpdateStoryboardRequest } from '@genbox/contracts';
import { validateParameters } from '@genbox/providers';
import { AssetsRepository } from '../assets/assets.repository.js';
import { BoxAccessService } from '../boxes/box-access.service.js';
import { isUuid } from '../common/is-uuid.js';
import { CatalogRepository } from '../providers/catalog.repository.js';
import { CreditsService } from '../credits/credits.service.js';
import { CONFIG } from '../common/tokens.js';
import type { AppConfig } from '../config/env.js';
import { AppError, notFound } from '../common/app-error.js';
import { sceneModelId } from './scene-models.js';
import { estimateOf } from './scene-times.js';
import { priceToRun } from './storyboard-costs.js';
import { StoryboardCanceler } from './storyboard-canceler.service.js';
import { toStoryboardDto } from './storyboard.mapper.js';
import { StoryboardNotifier } from './storyboard.notifier.js';
import { StoryboardPlannerService } from './storyboard-planner.service.js';
import { StoryboardsQueue } from './storyboards.queue.js';
import { StoryboardsRepository, type StoryboardWithScenes } from './storyboards.repository.js';

/** How often a create request looks whether its plan is stored, in ms. */
const PLAN_LOOK_MS = 50;

/** What people do with storyboards: plan, edit, run, retry a scene, cancel, read. */
@Injectable()
export class StoryboardsService {
  constructor(
    private readonly repo: StoryboardsRepository,
    private readonly access: BoxAccessService,
    private readonly catalog: CatalogRepository,
    private readonly assets: AssetsRepository,
    private readonly planner: StoryboardPlannerService,
    private readonly notifier: StoryboardNotifier,
    private readonly queue: StoryboardsQueue,
    private readonly canceler: StoryboardCanceler,
    private readonly credits: CreditsService,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Creates the storyboard PLANNING and hands the plan to the workers (plan, then continuity, each
   * a job resumable from the database); waits for them up to STORYBOARD_PLAN_WAIT_MS and answers
   * it PLANNED with its scenes (nothing is paid for yet), or still PLANNING when the planner is
   * slower (storyboard.updated carries the rest). A planner that failed in the wait is a 502.
   */
  async create(userId: string, boxId: string, body: CreateStoryboardRequest, forAdmin = false): Promise<StoryboardDto> {
    await this.access.require(boxId, userId, 'editor');
    const model = await this.catalog.findModel(body.ai_model_id);
    if (!model) throw new AppError('validation_failed', 'ai_model_id: no such model');
    if (!model.is_active || !model.provider_active) throw new AppError('invalid_parameters', `ai_model_id: ${model.name} is not available right now`);
    if (model.model_type !== 'VIDEO') throw new AppError('invalid_parameters', `ai_model_id: ${model.name} makes images; a storyboard needs a video model`);
    const checked = validateParameters(model.parameters_schema, body.generation_config);
    if (!checked.ok) throw new AppError('invalid_parameters', checked.errors.map((e) => `generation_config.${e.field}: ${e.message}`).join('; '));
    const imageId = body.image_asset_id ?? null;
    if (imageId) {
      const image = isUuid(imageId) ? await this.assets.find(imageId) : null;
      if (!image || image.box_id !== boxId) throw new AppError('invalid_parameters', 'image_asset_id: no such asset in this box');
      if (image.type !== 'IMAGE' || image.status !== 'COMPLETED') throw new AppError('invalid_parameters', 'image_asset_id: must be a finished image');
    }
    // every scene's model, and the planner, must exist before anything is created
    const firstModel = await sceneModelId(this.repo.db, model, !!imageId);
    const nextModel = await sceneModelId(this.repo.db, model, true);
    const choice = body.planner ?? 'local';
    const label = await this.planner.check(choice);

    // the time each scene's own model took here lately; a provider kind's default when it has no finished run yet
    const [first, next, steps] = await Promise.all([this.repo.recentSceneSeconds(firstModel), firstModel === nextModel ? null : this.repo.recentSceneSeconds(nextModel), this.repo.recentStepSeconds()]);
    const estimate = estimateOf(model.provider_kind, first, firstModel === nextModel ? first : next, firstModel === nextModel, steps);
    const { id, seq } = await this.repo.insertPlanning({
      box_id: boxId, created_by: userId, prompt: body.prompt, model_id: model.id, generation_config: checked.params, image_asset_id: imageId,
      planner: label, plan_choice: choice, scene_count: body.scenes, scene_seconds: Math.round(estimate.next.typical), time_estimate: estimate,
    });
    await this.notifier.updated(id, seq);
    // a lost enqueue (Redis away) is made good by the workers' sweep of PLANNING storyboards
    await this.queue.plan(id).catch(() => undefined);
    const sb = await this.waitForPlan(id);
    if (sb.row.status === 'FAILED') {
      const dto = toStoryboardDto(sb, forAdmin);
      throw new AppError('planner_failed', [dto.failure?.message ?? 'The planner could not plan this storyboard.', dto.error_message].filter(Boolean).join(' Detail: '));
    }
    return toStoryboardDto(sb, forAdmin);
  }

  /** The storyboard once it left PLANNING, or as it is when the wait ran out. */
  private async waitForPlan(id: string): Promise<StoryboardWithScenes> {
    const until = Date.now() + this.config.storyboardPlanWaitMs;
    for (;;) {
      const sb = (await this.repo.find(id))!;
      if (sb.row.status !== 'PLANNING' || Date.now() >= until) return sb;
      await sleep(PLAN_LOOK_MS);
    }
  }

  /** `forAdmin`: the caller is an admin (reads error_message, the technical reason of a failure; see toStoryboardDto). */
  async get(userId: string, id: string, forAdmin = false): Promise<StoryboardDto> {
    return toStoryboardDto(await this.readable(userId, id, 'viewer'), forAdmin);
  }

  async list(userId: string, boxId: string, forAdmin = false): Promise<StoryboardDto[]> {
    await this.access.require(boxId, userId, 'viewer');
    return (await this.repo.listOfBox(boxId)).map((sb) => toStoryboardDto(sb, forAdmin));
  }

  /** Edits, reorders, adds or removes scenes while PLANNED. */
  async update(userId: string, id: string, body: UpdateStoryboardRequest): Promise<StoryboardDto> {
    const current = await this.readable(userId, id, 'editor');
    const changed = await this.repo.locked(id, ['PLANNED'], async (q) => {
      if (body.prompt !== undefined) await this.repo.setPrompt(q, id, body.prompt);
      if (body.scenes) await this.repo.replaceScenes(q, id, body.scenes.map((s) => s.prompt));
      return true;
    });
    if (!changed) throw wrongState(current, 'Only a PLANNED storyboard can be edited; retry a scene to change one after the run');
    return (await this.notifier.updated(id, changed.seq))!;
  }

  async run(userId: string, id: string): Promise<StoryboardDto> {
    const current = await this.readable(userId, id, 'editor');
    // 402 up front when the balance cannot pay for every scene at its own model's price; each scene then holds that price as it starts
    const moved = await this.credits.charging(current.row.created_by ?? userId, priceToRun(current), () => this.repo.locked(id, ['PLANNED'], async (q) => {
      await this.repo.setStatus(q, id, 'RUNNING', { started_at: new Date() });
      return true;
    }));
    if (!moved) throw wrongState(current, 'Only a PLANNED storyboard can be run');
    const dto = await this.notifier.updated(id, moved.seq);
    await this.queue.advance(id);
    return dto!;
  }

  /**
   * Runs scene `index` again (with a new prompt if given), then every scene after it, and stitches
   * the film again. The scenes before it are kept: they are never paid for twice.
   */
  async retry(userId: string, id: string, index: number, body: RetrySceneRequest): Promise<StoryboardDto> {
    const current = await this.readable(userId, id, 'editor');
    if (!current.scenes.some((s) => s.index === index)) throw notFound(`Scene ${index}`);
    const unfinished = current.scenes.find((s) => s.index < index && (s.asset_status !== 'COMPLETED' || (s.frame_status !== 'COMPLETED')));
    if (unfinished) throw new AppError('conflict', `Scene ${unfinished.index} is not finished with its last frame: retry from scene ${unfinished.index}`);
    const moved = await this.credits.charging(current.row.created_by ?? userId, priceToRun(current, index), () => this.repo.locked(id, ['FAILED', 'CANCELED', 'COMPLETED'], async (q) => {
      await this.repo.resetFrom(q, id, index);
      if (body.prompt !== undefined) await this.repo.setScene(q, id, index, { prompt: body.prompt });
      await this.repo.setStatus(q, id, 'RUNNING', { error_message: null, failure: null, final_asset_id: null, completed_at: null, started_at: new Date() });
      return true;
    }));
    if (!moved) throw wrongState(current, 'A scene can be retried once the storyboard has stopped (COMPLETED, FAILED or CANCELED)');
    const dto = await this.notifier.updated(id, moved.seq);
    await this.queue.advance(id);
    return dto!;
  }

  async cancel(userId: string, id: string): Promise<StoryboardDto> {
    const current = await this.readable(userId, id, 'editor');
    const dto = await this.canceler.cancel(id, userId);
    if (!dto) throw wrongState(current, 'Only a PLANNING, PLANNED or RUNNING storyboard can be canceled');
    return dto;
  }

  /** The storyboard when the user has `atLeast` on its box; 404 otherwise (no probing of ids). */
  private async readable(userId: string, id: string, atLeast: 'viewer' | 'editor'): Promise<StoryboardWithScenes> {
    const found = isUuid(id) ? await this.repo.find(id) : null;
    if (!found) throw notFound('Storyboard');
    await this.access.require(found.row.box_id, userId, atLeast).catch((e: unknown) => {
      if (e instanceof AppError && e.status === 404) throw notFound('Storyboard');
      throw e;
    });
    return found;
  }
}

function wrongState(current: StoryboardWithScenes, message: string): AppError {
  return new AppError('conflict', `${message}; this one is ${current.row.status}`);
}
