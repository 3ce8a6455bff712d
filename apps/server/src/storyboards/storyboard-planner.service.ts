import { Injectable, Logger } from '@nestjs/common';
import type { StoryboardPlanner as PlannerChoice } from '@genbox/contracts';
import { type AdapterContext, type ChatPlanner, ProviderError, continuityLocally, continuityWithChat, guardedFetch, planLocally, planWithChat } from '@genbox/providers';
import { ProviderConfigs } from '../providers/provider-configs.js';
import { AppError } from '../common/app-error.js';

/** The planner's provider answered in a way it cannot use: planner_failed, with the provider's error code (what a member is told, storyboard-failures.ts). */
export class PlannerFailedError extends AppError {
  constructor(readonly providerCode: string, message: string) {
    super('planner_failed', message);
  }
}

/** Provider kinds a chat planner can be on: OpenAI, or a template provider (its chat_template, or OpenAI's chat completions at its base URL). */
const CHAT_KINDS = new Set(['openai', 'template']);
/** One pass (the plan, or the continuity pass) may take this long. */
const PASS_TIMEOUT_MS = 120_000;

/**
 * The planner's two passes: the idea becomes `count` scene prompts (draft), then a continuity pass
 * rewrites them so characters, setting and style carry over. Built in (`local`), or a chat model
 * of a provider. Each pass is a worker job (StoryboardPlanSteps); `check` runs in the request.
 */
@Injectable()
export class StoryboardPlannerService {
  private readonly logger = new Logger('Storyboards');

  constructor(private readonly configs: ProviderConfigs) {}

  /** Refuses a planner that cannot plan (422 naming it) and answers the label the storyboard shows. */
  async check(choice: PlannerChoice): Promise<string> {
    if (choice === 'local') return 'local';
    const planner = await this.chatPlanner(choice);
    return `${planner.provider.name}: ${planner.model}`;
  }

  async draft(choice: PlannerChoice, idea: string, count: number): Promise<string[]> {
    if (choice === 'local') return planLocally(idea, count);
    const planner = await this.chatPlanner(choice);
    return this.calling(planner, (ctx) => planWithChat(ctx, planner, idea, count));
  }

  async continuity(choice: PlannerChoice, idea: string, scenes: string[]): Promise<string[]> {
    if (choice === 'local') return continuityLocally(idea, scenes);
    const planner = await this.chatPlanner(choice);
    return this.calling(planner, (ctx) => continuityWithChat(ctx, planner, idea, scenes));
  }

  /** A provider's answer it cannot use is planner_failed with its message; anything else (the database) is thrown as is. */
  private async calling(planner: ChatPlanner, pass: (ctx: AdapterContext) => Promise<string[]>): Promise<string[]> {
    // the provider's own network policy, as for its generations: https to public addresses unless it allows private ones
    const ctx: AdapterContext = { fetch: guardedFetch(planner.provider.allowPrivateNetwork), signal: AbortSignal.timeout(PASS_TIMEOUT_MS), now: Date.now, log: (m: string) => this.logger.debug(m) };
    try {
      return await pass(ctx);
    } catch (err) {
      if (err instanceof ProviderError) throw new PlannerFailedError(err.code, `The planner could not plan this storyboard: ${err.message}`);
      throw err;
    }
  }

  private async chatPlanner(choice: { provider_id: string; model: string }): Promise<ChatPlanner> {
    const found = await this.configs.provider(choice.provider_id);
    if (!found) throw new AppError('invalid_parameters', 'planner.provider_id: no such provider');
    const { row } = found;
    if (!row.is_active) throw new AppError('invalid_parameters', `planner.provider_id: ${row.name} is not active`);
    if (!CHAT_KINDS.has(row.kind)) throw new AppError('invalid_parameters', `planner.provider_id: ${row.name} is a ${row.kind} provider; plans come from a chat model of an openai or template provider, or use "local"`);
    return { provider: found.config, model: choice.model, template: row.kind === 'template' ? row.chat_template : null };
  }
}
