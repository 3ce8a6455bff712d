import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { StoryboardNotifier } from './storyboard.notifier.js';
import { plannerFailed } from './storyboard-failures.js';
import { PlannerFailedError, StoryboardPlannerService } from './storyboard-planner.service.js';
import { StoryboardsQueue } from './storyboards.queue.js';
import { StoryboardsRepository } from './storyboards.repository.js';

/**
 * The planning steps of a PLANNING storyboard, each a job of its own: `plan` stores the planner's
 * scene prompts (drafted_at), `continuity` rewrites them and makes the storyboard PLANNED. What to
 * do is read from the database alone (no scenes yet: plan; scenes: continuity), and each write
 * happens under the storyboard's row lock only while it is still in that step, so a re-run job
 * (a killed worker, the sweep, a Redis that lost it) calls the planner again at worst, and never
 * stores a step twice. A planner that fails makes the storyboard FAILED with its reason.
 */
@Injectable()
export class StoryboardPlanSteps {
  private readonly logger = new Logger('Storyboards');

  constructor(
    private readonly repo: StoryboardsRepository,
    private readonly planner: StoryboardPlannerService,
    private readonly notifier: StoryboardNotifier,
    private readonly jobs: StoryboardsQueue,
  ) {}

  async plan(id: string): Promise<void> {
    const sb = await this.repo.find(id);
    if (!sb || sb.row.status !== 'PLANNING') return;
    if (sb.scenes.length) return this.jobs.continuity(id); // drafted already: on to the next step
    const scenes = await this.failing(id, () => this.planner.draft(sb.row.plan_choice, sb.row.prompt, sb.row.scene_count));
    if (!scenes) return;
    const stored = await this.repo.locked(id, ['PLANNING'], async (q) => {
      if (await this.repo.hasScenes(q, id)) return null; // another run of this job stored its draft first
      await this.repo.replaceScenes(q, id, scenes);
      await this.repo.setStatus(q, id, 'PLANNING', { drafted_at: new Date() });
      return true;
    });
    if (stored) await this.notifier.updated(id, stored.seq);
    await this.jobs.continuity(id);
  }

  async continuity(id: string): Promise<void> {
    const sb = await this.repo.find(id);
    if (!sb || sb.row.status !== 'PLANNING' || !sb.scenes.length) return;
    const draft = sb.scenes.map((s) => s.prompt);
    const scenes = await this.failing(id, () => this.planner.continuity(sb.row.plan_choice, sb.row.prompt, draft));
    if (!scenes) return;
    const stored = await this.repo.locked(id, ['PLANNING'], async (q) => {
      await this.repo.replaceScenes(q, id, scenes);
      await this.repo.setStatus(q, id, 'PLANNED', { planned_at: new Date() });
      return true;
    });
    if (stored) await this.notifier.updated(id, stored.seq);
  }

  /** The planner's answer; null once its failure (planner_failed, or a planner that is gone) made the storyboard FAILED. */
  private async failing(id: string, pass: () => Promise<string[]>): Promise<string[] | null> {
    try {
      return await pass();
    } catch (err) {
      if (!(err instanceof AppError)) throw err; // the database or Redis: the job is retried
      // a planner provider that is gone or may not plan (a 422 at create) has no provider code
      const { failure, detail } = plannerFailed(err instanceof PlannerFailedError ? err.providerCode : null, err.code === 'planner_failed' ? err.message : `The planner could not plan this storyboard: ${err.message}`);
      const moved = await this.repo.locked(id, ['PLANNING'], async (q) => {
        await this.repo.setStatus(q, id, 'FAILED', { error_message: detail, failure, completed_at: new Date() });
        return true;
      });
      if (moved) await this.notifier.updated(id, moved.seq);
      this.logger.warn(`storyboard ${id}: ${err.message}`);
      return null;
    }
  }
}
