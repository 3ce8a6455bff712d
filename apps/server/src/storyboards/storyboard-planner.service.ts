import { Injectable, Logger } from '@nestjs/common';
import type { StoryboardPlanner as PlannerChoice } from '@genbox/contracts';
import { type ChatPlanner, ProviderError, continuityLocally, continuityWithChat, guardedFetch, planLocally, planWithChat } from '@genbox/providers';
import { ProviderConfigs } from '../providers/provider-configs.js';
import { AppError } from '../common/app-error.js';

/** Provider kinds whose base URL speaks OpenAI's chat completions (a template provider pointed at any compatible server). */
const CHAT_KINDS = new Set(['openai', 'template']);
/** The plan and the continuity pass together may take this long. */
const PLAN_TIMEOUT_MS = 240_000;

/**
 * The plan: the idea becomes `count` scene prompts, then a continuity pass rewrites them so
 * characters, setting and style carry over. Built in (`local`), or a chat model of a provider.
 */
@Injectable()
export class StoryboardPlannerService {
  private readonly logger = new Logger('Storyboards');

  constructor(private readonly configs: ProviderConfigs) {}

  /** The scene prompts and who planned them, as the storyboard shows it. */
  async plan(choice: PlannerChoice, idea: string, count: number): Promise<{ scenes: string[]; label: string }> {
    if (choice === 'local') return { scenes: continuityLocally(idea, planLocally(idea, count)), label: 'local' };
    const planner = await this.chatPlanner(choice);
    // the provider's own network policy, as for its generations: https to public addresses unless it allows private ones
    const ctx = { fetch: guardedFetch(planner.provider.allowPrivateNetwork), signal: AbortSignal.timeout(PLAN_TIMEOUT_MS), now: Date.now, log: (m: string) => this.logger.debug(m) };
    try {
      const draft = await planWithChat(ctx, planner, idea, count);
      const scenes = await continuityWithChat(ctx, planner, idea, draft);
      return { scenes, label: `${planner.provider.name}: ${planner.model}` };
    } catch (err) {
      if (err instanceof ProviderError) throw new AppError('planner_failed', `The planner could not plan this storyboard: ${err.message}`);
      throw err;
    }
  }

  private async chatPlanner(choice: { provider_id: string; model: string }): Promise<ChatPlanner> {
    const found = await this.configs.provider(choice.provider_id);
    if (!found) throw new AppError('invalid_parameters', 'planner.provider_id: no such provider');
    const { row } = found;
    if (!row.is_active) throw new AppError('invalid_parameters', `planner.provider_id: ${row.name} is not active`);
    if (!CHAT_KINDS.has(row.kind)) throw new AppError('invalid_parameters', `planner.provider_id: ${row.name} is a ${row.kind} provider; plans come from OpenAI chat completions (an openai provider, or a template provider pointed at a compatible server), or use "local"`);
    return { provider: found.config, model: choice.model };
  }
}
