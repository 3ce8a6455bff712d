import type { ChatTemplate } from '@genbox/contracts';
import type { AdapterContext, ProviderConfig } from '../adapter.js';
import { ProviderError } from '../errors.js';
import { OPENAI_CHAT_TEMPLATE, chatJson } from './chat-template.js';

/**
 * A chat model that plans: on an OpenAI provider, or on a template provider through its chat
 * template (any chat API its JSON mapping describes; without one, OpenAI's chat completions).
 */
export interface ChatPlanner { provider: ProviderConfig; model: string; template?: ChatTemplate | null }

const PLAN_TIMEOUT_MS = 120_000;

/** Structured output both passes answer with: exactly the scenes, each a prompt. */
const SCENES_SCHEMA = {
  type: 'object',
  properties: { scenes: { type: 'array', items: { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'], additionalProperties: false } } },
  required: ['scenes'],
  additionalProperties: false,
};
/** Said in words too: a chat API without structured output only has the prompt to go by. */
const ANSWER_SHAPE = 'Answer only with JSON of the form {"scenes": [{"prompt": "..."}]}, one object per scene, nothing else.';

const PLAN_SYSTEM = 'You write storyboards for short AI-generated films. Improve the idea into a vivid story and split it into exactly the number of scenes asked for. '
  + `Each scene prompt describes one continuous video shot: subject, action, setting, camera and light. ${ANSWER_SHAPE}`;
const CONTINUITY_SYSTEM = 'You check storyboards for continuity. Rewrite the scene prompts so the same characters (same looks and clothes), setting, time of day, light and visual style carry over from scene to scene, '
  + `and each scene starts where the previous one ends. Keep the number and order of the scenes. ${ANSWER_SHAPE}`;

/** The plan: `count` scene prompts from the idea (the first pass). */
export function planWithChat(ctx: AdapterContext, planner: ChatPlanner, idea: string, count: number): Promise<string[]> {
  return scenesFrom(ctx, planner, PLAN_SYSTEM, `Idea: ${idea}\nNumber of scenes: ${count}`, count);
}

/** The continuity pass over a plan: same count, rewritten so the scenes agree with each other. */
export function continuityWithChat(ctx: AdapterContext, planner: ChatPlanner, idea: string, scenes: string[]): Promise<string[]> {
  const list = scenes.map((s, i) => `${i + 1}. ${s}`).join('\n');
  return scenesFrom(ctx, planner, CONTINUITY_SYSTEM, `Idea: ${idea}\nScenes (${scenes.length}):\n${list}`, scenes.length);
}

async function scenesFrom(ctx: AdapterContext, planner: ChatPlanner, system: string, user: string, count: number): Promise<string[]> {
  const { provider, model } = planner;
  const template = planner.template ?? OPENAI_CHAT_TEMPLATE;
  const parsed = await chatJson(ctx, provider, model, template, { task: 'plan the storyboard', system, user, schemaName: 'storyboard_scenes', schema: SCENES_SCHEMA }, PLAN_TIMEOUT_MS);
  const bad = (why: string) => new ProviderError('provider_bad_response', `${provider.name} (${model}) did not plan the storyboard: ${why}`);
  const scenes = parsed && typeof parsed === 'object' ? (parsed as { scenes?: unknown }).scenes : undefined;
  if (!Array.isArray(scenes)) throw bad('its answer has no scenes list');
  const prompts = scenes.map((s) => (typeof s === 'object' && s && typeof (s as { prompt?: unknown }).prompt === 'string' ? (s as { prompt: string }).prompt.trim() : ''));
  if (prompts.length !== count) throw bad(`it answered ${prompts.length} scenes, ${count} were asked for`);
  if (prompts.some((p) => !p)) throw bad('a scene has no prompt');
  return prompts;
}
