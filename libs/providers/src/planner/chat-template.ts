import type { ChatTemplate } from '@genbox/contracts';
import type { AdapterContext, ProviderConfig } from '../adapter.js';
import { ProviderError } from '../errors.js';
import { requestJson } from '../http.js';
import { readPath } from '../template/json-path.js';
import { checkEnvelope, parseMapping, type TemplateMapping } from '../template/mapping.js';
import { interpolate, renderTemplate } from '../template/render.js';
import { resolveUrl } from '../template/template.adapter.js';

/**
 * OpenAI's chat completions as a chat template: what an `openai` provider, and a `template`
 * provider without a chat_template of its own, are called with. Strict structured output makes
 * the model answer exactly the JSON shape asked for.
 */
export const OPENAI_CHAT_TEMPLATE: ChatTemplate = {
  api_endpoint: 'chat/completions',
  request_schema: { model: '{{model!}}', messages: '{{messages!}}', response_format: { type: 'json_schema', json_schema: '{{json_schema!}}' } },
  response_mapping: { text: 'choices[0].message.content', refusal: 'choices[0].message.refusal', finish_reason: 'choices[0].finish_reason', cut_off: ['length'] },
};
const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** The answer fields a chat template reads, besides the template adapter's auth, method and envelope. */
interface ChatMapping extends TemplateMapping {
  text: string;
  refusal?: string;
  finish_reason?: string;
  cut_off?: string[];
  /** finish_reason values meaning the model refused (Anthropic's `refusal`). */
  refused?: string[];
}

/** One chat call: what it is for (in errors: "did not <task>"), the system and user messages, and the JSON schema the answer must follow. */
export interface ChatCall { task: string; system: string; user: string; schemaName: string; schema: Record<string, unknown> }

/**
 * Sends one chat call through a chat template (the template adapter's mechanism: the request
 * body rendered from `request_schema`, the answer read with `response_mapping` paths) and answers
 * the JSON the model wrote. Placeholders: `model`, `system`, `user`, `prompt` (system and user in
 * one text), `messages` (OpenAI-style, system then user), `json_schema` ({name, strict, schema})
 * and `schema` (the bare JSON schema).
 */
export async function chatJson(ctx: AdapterContext, provider: ProviderConfig, model: string, template: ChatTemplate, call: ChatCall, timeoutMs: number): Promise<unknown> {
  const mapping = chatMapping(template);
  const vars = {
    model, system: call.system, user: call.user, prompt: `${call.system}\n\n${call.user}`,
    messages: [{ role: 'system', content: call.system }, { role: 'user', content: call.user }],
    json_schema: { name: call.schemaName, strict: true, schema: call.schema }, schema: call.schema,
  };
  const base = provider.baseUrl ?? (provider.kind === 'openai' ? OPENAI_BASE_URL : null);
  const headers: Record<string, string> = { ...provider.extraHeaders };
  if (mapping.auth && provider.apiKey) headers[mapping.auth.header] = `${mapping.auth.prefix}${provider.apiKey}`;
  const { body } = await requestJson(ctx, {
    provider: provider.name,
    url: resolveUrl({ name: provider.name, baseUrl: base }, interpolate(template.api_endpoint, { model }, true)),
    method: mapping.method,
    headers,
    body: renderTemplate(template.request_schema, vars),
    timeoutMs,
    secrets: [provider.apiKey],
  });
  checkEnvelope(provider.name, body, mapping);
  const bad = (why: string) => new ProviderError('provider_bad_response', `${provider.name} (${model}) did not ${call.task}: ${why}`);
  const refusal = readPath(body, mapping.refusal);
  if (typeof refusal === 'string' && refusal.trim()) throw new ProviderError('provider_content_filtered', `${provider.name} refused to ${call.task}: ${refusal.trim()}`);
  const finish = readPath(body, mapping.finish_reason);
  if (finish !== undefined && mapping.refused?.some((r) => String(r) === String(finish))) throw new ProviderError('provider_content_filtered', `${provider.name} refused to ${call.task} (it stopped with "${String(finish)}")`);
  if (finish !== undefined && mapping.cut_off?.some((c) => String(c) === String(finish))) throw bad('its answer was cut off at the token limit');
  const text = readPath(body, mapping.text);
  if (typeof text !== 'string' || !text.trim()) throw bad(`its answer has no text at "${mapping.text}"${finish !== undefined ? ` (it stopped with "${String(finish)}")` : ''}`);
  const parsed = parseJsonAnswer(text);
  if (parsed === undefined) throw bad('its answer is not JSON');
  return parsed;
}

/** The template's response_mapping, checked: `text` is required. */
function chatMapping(template: ChatTemplate): ChatMapping {
  const mapping = parseMapping({ ...(template.response_mapping as object), mode: 'sync' }) as ChatMapping;
  if (typeof mapping.text !== 'string' || !mapping.text) throw new ProviderError('template_invalid', 'The chat template\'s response_mapping needs "text": the path of the answer\'s text (e.g. "content[0].text").');
  return mapping;
}

/**
 * The JSON in a model's answer. Models that are not held to a schema often wrap it in a ```json
 * fence or a sentence; the first `{` to the last `}` is tried when the whole text is not JSON.
 */
export function parseJsonAnswer(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1];
  for (const candidate of [text, fenced, text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)]) {
    if (!candidate?.trim()) continue;
    try {
      return JSON.parse(candidate);
    } catch {
      // the next way of reading it
    }
  }
  return undefined;
}
