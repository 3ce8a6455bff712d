import type { AdapterContext, ProviderConfig } from '../adapter.js';
import { ProviderError } from '../errors.js';
import { requestJson } from '../http.js';

/** A chat model that plans: an OpenAI provider, or any provider speaking OpenAI's chat completions. */
export interface ChatPlanner { provider: ProviderConfig; model: string }

const PLAN_TIMEOUT_MS = 120_000;

/** Structured output both passes answer with: exactly the scenes, each a prompt. */
const SCENES_SCHEMA = {
  name: 'storyboard_scenes',
  strict: true,
  schema: {
    type: 'object',
    properties: { scenes: { type: 'array', items: { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'], additionalProperties: false } } },
    required: ['scenes'],
    additionalProperties: false,
  },
};

const PLAN_SYSTEM = 'You write storyboards for short AI-generated films. Improve the idea into a vivid story and split it into exactly the number of scenes asked for. '
  + 'Each scene prompt describes one continuous video shot: subject, action, setting, camera and light. Answer only with the JSON asked for.';
const CONTINUITY_SYSTEM = 'You check storyboards for continuity. Rewrite the scene prompts so the same characters (same looks and clothes), setting, time of day, light and visual style carry over from scene to scene, '
  + 'and each scene starts where the previous one ends. Keep the number and order of the scenes. Answer only with the JSON asked for.';

interface ChatCompletion {
  choices?: { finish_reason?: string; message?: { content?: string | null; refusal?: string | null } }[];
}

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
  const { provider } = planner;
  const base = (provider.baseUrl ?? 'https://api.openai.com/v1').replace(/\/$/, '');
  const { body } = await requestJson<ChatCompletion>(ctx, {
    provider: provider.name,
    url: `${base}/chat/completions`,
    headers: { ...provider.extraHeaders, authorization: `Bearer ${provider.apiKey ?? ''}` },
    body: {
      model: planner.model,
      messages: [{ role: 'system', content: system }, { role: 'user', content: user }],
      response_format: { type: 'json_schema', json_schema: SCENES_SCHEMA },
    },
    timeoutMs: PLAN_TIMEOUT_MS,
    secrets: [provider.apiKey],
  });
  const choice = body.choices?.[0];
  const bad = (why: string) => new ProviderError('provider_bad_response', `${provider.name} (${planner.model}) did not plan the storyboard: ${why}`);
  if (choice?.message?.refusal) throw new ProviderError('provider_content_filtered', `${provider.name} refused to plan the storyboard: ${choice.message.refusal}`);
  if (choice?.finish_reason === 'length') throw bad('its answer was cut off at the token limit');
  let parsed: unknown;
  try {
    parsed = JSON.parse(choice?.message?.content ?? '');
  } catch {
    throw bad('its answer is not JSON');
  }
  const scenes = (parsed as { scenes?: unknown }).scenes;
  if (!Array.isArray(scenes)) throw bad('its answer has no scenes list');
  const prompts = scenes.map((s) => (typeof s === 'object' && s && typeof (s as { prompt?: unknown }).prompt === 'string' ? (s as { prompt: string }).prompt.trim() : ''));
  if (prompts.length !== count) throw bad(`it answered ${prompts.length} scenes, ${count} were asked for`);
  if (prompts.some((p) => !p)) throw bad('a scene has no prompt');
  return prompts;
}
