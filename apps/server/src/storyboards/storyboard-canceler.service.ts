import { Injectable } from '@nestjs/common';
import type { StoryboardDto } from '@genbox/contracts';
import { AssetStatusWriter } from '../assets/asset-status.writer.js';
import { ProviderCalls } from '../generation/provider-calls.js';
import { StoryboardNotifier } from './storyboard.notifier.js';
import { StoryboardsRepository } from './storyboards.repository.js';

/** Stops a storyboard: it goes CANCELED first (no step starts after that), then its running scene and film are canceled like any generation. */
@Injectable()
export class StoryboardCanceler {
  constructor(
    private readonly repo: StoryboardsRepository,
    private readonly writer: AssetStatusWriter,
    private readonly notifier: StoryboardNotifier,
    private readonly calls: ProviderCalls,
  ) {}

  /** null when the storyboard was not PLANNING, PLANNED or RUNNING. */
  async cancel(id: string, userId: string): Promise<StoryboardDto | null> {
    const moved = await this.repo.locked(id, ['PLANNING', 'PLANNED', 'RUNNING'], async (q) => {
      await this.repo.setStatus(q, id, 'CANCELED', { completed_at: new Date(), error_message: null, failure: null });
      return true;
    });
    if (!moved) return null;
    const dto = await this.notifier.updated(id, moved.seq);
    const found = await this.repo.find(id);
    const running = [...(found?.scenes.map((s) => s.asset_id) ?? []), found?.row.final_asset_id].filter((a): a is string => !!a);
    for (const assetId of running) {
      const done = await this.writer.move(assetId, ['PENDING', 'PROCESSING'], 'CANCELED', { completed_at: new Date() }, { detail: { by: userId, storyboard: id } });
      if (!done) continue;
      if (done.row.model_id) await this.calls.cancelRemote(done.row);
    }
    return dto;
  }
}
