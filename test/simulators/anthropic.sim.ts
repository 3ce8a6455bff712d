import { randomBytes } from 'node:crypto';
import { FaultQueue, startSimServer, type SimReply, type SimRequest } from './shared/index.js';

/**
 * Anthropic's Messages API (`POST /v1/messages`), the chat API most unlike OpenAI's, reached by a
 * Genbox `template` provider through its chat_template. What it refuses, as the API does:
 * - no `x-api-key` or a wrong one: 401 authentication_error; no `anthropic-version` header: 400;
 * - `model`, `max_tokens` (an integer ≥ 1) and `messages` (not empty) are required;
 * - a message role other than user/assistant (a "system" message: the system prompt is the
 *   top-level `system`), a first message that is not the user's, empty content;
 * - any top-level field the API does not have (OpenAI's `response_format`): "Extra inputs are not permitted".
 * Errors are `{type: "error", error: {type, message}}`; answers are a `message` with
 * `content: [{type: "text", text}]`, `stop_reason` (end_turn, max_tokens, refusal) and `usage`.
 *
 * What the model says is scripted by the test (a language model's words cannot be simulated):
 * a MessageScript answers a request with text, a refusal or a cut-off answer, after `delayMs`.
 */
export type MessageScript = (req: MessagesRequest) => ({ text: string } | { refusal: true } | { truncated: string }) & { delayMs?: number };

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  system?: string | { type: string; text: string }[];
  messages: { role: string; content: string | { type: string; text?: string }[] }[];
}

/** Top-level fields of a Messages request (the API's own list; anything else is refused). */
const FIELDS = new Set(['model', 'max_tokens', 'messages', 'system', 'metadata', 'stop_sequences', 'stream', 'temperature', 'top_p', 'top_k', 'tools', 'tool_choice', 'thinking', 'service_tier', 'container', 'mcp_servers']);
const VERSIONS = ['2023-06-01', '2023-01-01'];

const error = (status: number, type: string, message: string): SimReply => ({
  status,
  headers: { 'request-id': `req_${randomBytes(12).toString('hex')}` },
  body: { type: 'error', error: { type, message } },
});

export interface AnthropicSimOptions { apiKey?: string; port?: number }

export async function startAnthropicSim(options: AnthropicSimOptions = {}) {
  const apiKey = options.apiKey ?? 'sk-ant-api03-test';
  const faults = new FaultQueue();
  const scripts: MessageScript[] = [];

  const messages = (req: SimRequest): SimReply => {
    const body = req.json as Partial<MessagesRequest> & Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return error(400, 'invalid_request_error', 'There was an issue with the format or content of your request. The request body is not valid JSON.');
    const extra = Object.keys(body).find((k) => !FIELDS.has(k));
    if (extra) return error(400, 'invalid_request_error', `${extra}: Extra inputs are not permitted`);
    if (typeof body.model !== 'string' || !body.model) return error(400, 'invalid_request_error', 'model: Field required');
    if (body.max_tokens === undefined) return error(400, 'invalid_request_error', 'max_tokens: Field required');
    if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) return error(400, 'invalid_request_error', 'max_tokens: Input should be a valid integer greater than or equal to 1');
    if (!Array.isArray(body.messages)) return error(400, 'invalid_request_error', 'messages: Field required');
    if (body.messages.length === 0) return error(400, 'invalid_request_error', 'messages: at least one message is required');
    for (const [i, m] of body.messages.entries()) {
      if (m?.role === 'system') return error(400, 'invalid_request_error', 'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.');
      if (m?.role !== 'user' && m?.role !== 'assistant') return error(400, 'invalid_request_error', `messages.${i}.role: Input should be 'user' or 'assistant'`);
      const empty = typeof m.content === 'string' ? !m.content.trim() : !Array.isArray(m.content) || m.content.length === 0;
      if (empty) return error(400, 'invalid_request_error', `messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
    }
    if (body.messages[0]!.role !== 'user') return error(400, 'invalid_request_error', 'messages: first message must use the "user" role');
    if (body.system !== undefined && typeof body.system !== 'string' && !Array.isArray(body.system)) return error(400, 'invalid_request_error', 'system: Input should be a valid string or a list of text blocks');
    if (body.stream) return error(400, 'invalid_request_error', 'stream: this simulator answers whole messages only');

    const said = scripts.shift()?.(body as MessagesRequest) ?? { text: 'OK.' };
    const text = 'text' in said ? said.text : 'truncated' in said ? said.truncated : '';
    const input = JSON.stringify(body.messages).length + String(JSON.stringify(body.system ?? '')).length;
    return {
      status: 200,
      delayMs: said.delayMs,
      headers: { 'request-id': `req_${randomBytes(12).toString('hex')}` },
      body: {
        id: `msg_${randomBytes(12).toString('base64url')}`,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: text ? [{ type: 'text', text }] : [],
        stop_reason: 'refusal' in said ? 'refusal' : 'truncated' in said ? 'max_tokens' : 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: Math.ceil(input / 4), output_tokens: Math.ceil(text.length / 4) },
      },
    };
  };

  const handle = (req: SimRequest): SimReply => {
    const fault = faults.take(req);
    if (fault) return fault;
    const key = req.headers['x-api-key'];
    if (!key) return error(401, 'authentication_error', 'x-api-key header is required');
    if (key !== apiKey) return error(401, 'authentication_error', 'invalid x-api-key');
    const version = req.headers['anthropic-version'];
    if (!version) return error(400, 'invalid_request_error', 'anthropic-version: header is required');
    if (!VERSIONS.includes(String(version))) return error(400, 'invalid_request_error', `anthropic-version: invalid version "${String(version)}"`);
    if (req.method === 'POST' && req.path === '/v1/messages') return messages(req);
    return error(404, 'not_found_error', `Not found: ${req.method} ${req.path}`);
  };

  const http = await startSimServer(handle, options.port);
  return {
    url: http.url,
    /** What a provider row's base_url should hold. */
    apiUrl: `${http.url}/v1`,
    apiKey,
    log: http.log,
    faults,
    /** What the model answers to the next messages, in order. */
    queueMessage: (...next: MessageScript[]) => scripts.push(...next),
    close: () => http.close(),
  };
}

export type AnthropicSim = Awaited<ReturnType<typeof startAnthropicSim>>;

/**
 * The chat template a Genbox template provider uses for the Messages API: the system prompt at
 * the top level, the key in `x-api-key` (the version header goes in the provider's extra_headers),
 * the answer's text in `content[0].text`, cut off when `stop_reason` is max_tokens, refused when it is refusal.
 */
export const ANTHROPIC_CHAT_TEMPLATE = {
  api_endpoint: 'messages',
  request_schema: { model: '{{model}}', max_tokens: 4096, system: '{{system}}', messages: [{ role: 'user', content: '{{user}}' }] },
  response_mapping: { auth: { header: 'x-api-key', prefix: '' }, text: 'content[0].text', finish_reason: 'stop_reason', cut_off: ['max_tokens'], refused: ['refusal'] },
};
