import { Injectable } from '@nestjs/common';
import type { StoryboardDto } from '@genbox/contracts';
import { AssetNotifier } from '../assets/asset.notifier.js';
import { AssetsRepository } from '../assets/assets.repository.js';
import { GenerationService } from '../generation/generation.service.js';
import { StoryboardNotifier } from './storyboard.notifier.js';
import { StoryboardsRepository } from './storyboards.repository.js';

/** Stops a storyboard: it goes CANCELED first (no step starts after that), then its running scene and film are canceled like any generation. */
@Injectable()
export class StoryboardCanceler {
  constructor(
    private readonly repo: StoryboardsRepository,
    private readonly assets: AssetsRepository,
    private readonly assetNotifier: AssetNotifier,
    private readonly notifier: StoryboardNotifier,
    private readonly generation: GenerationService,
  ) {}

  /** null when the storyboard was not PLANNING, PLANNED or RUNNING. */
  async cancel(id: string, userId: string): Promise<StoryboardDto | null> {
    const moved = await this.repo.locked(id, ['PLANNING', 'PLANNED', 'RUNNING'], async (q) => {
      await this.repo.setStatus(q, id, 'CANCELED', { completed_at: new Date(), error_message: null });
      return true;
    });
    if (!moved) return null;
    const dto = await this.notifier.updated(id, moved.seq);
    const found = await this.repo.find(id);
    const running = [...(found?.scenes.map((s) => s.asset_id) ?? []), found?.row.final_asset_id].filter((a): a is string => !!a);
    for (const assetId of running) {
      const done = await this.assets.transition(assetId, ['PENDING', 'PROCESSING'], 'CANCELED', { completed_at: new Date() }, { by: userId, storyboard: id });
      if (!done) continue;
      this.assetNotifier.updated(done.row, done.seq);
      if (done.row.model_id) await this.generation.cancelRemote(done.row);
    }
    return dto;
  }
}
