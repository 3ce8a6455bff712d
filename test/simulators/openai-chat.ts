import { randomBytes } from 'node:crypto';
import type { SimReply, SimRequest } from './shared/index.js';

/**
 * OpenAI chat completions (`POST /v1/chat/completions`), as documented: `messages` required, each
 * with a role; `response_format` `{type: "text" | "json_object" | "json_schema", json_schema}`;
 * a strict json_schema must have `additionalProperties: false` and every property required on each
 * object; json_object needs the word "json" in the messages. The answer is a `chat.completion` with
 * `choices[0].message.{content, refusal}`, `finish_reason` and `usage`.
 *
 * What the model says is scripted by the test (a language model's words cannot be simulated):
 * a ChatScript answers a request with content (a string, or a value sent as JSON), a refusal, or
 * a cut-off answer. Without one, a json_schema request gets the smallest value its schema allows.
 */
export type ChatScript = (req: ChatRequest) => { content: unknown } | { refusal: string } | { truncated: string };

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name?: string; strict?: boolean; schema?: JsonSchema } };
}

interface JsonSchema { type?: string; properties?: Record<string, JsonSchema>; required?: string[]; additionalProperties?: boolean; items?: JsonSchema; enum?: unknown[] }

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'];

type ApiError = (status: number, message: string, type: string, code?: string | null, param?: string | null) => SimReply;

export function chatCompletion(req: SimRequest, scripts: ChatScript[], apiError: ApiError): SimReply {
  const body = req.json as Partial<ChatRequest> | undefined;
  if (!body || typeof body !== 'object') return apiError(400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
  if (!body.model) return apiError(400, "Missing required parameter: 'model'.", 'invalid_request_error', 'missing_required_parameter', 'model');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return apiError(400, "Missing required parameter: 'messages'.", 'invalid_request_error', 'missing_required_parameter', 'messages');
  for (const [i, m] of body.messages.entries()) {
    if (!ROLES.includes(m?.role)) return apiError(400, `Invalid value: '${m?.role}'. Supported values are: ${ROLES.map((r) => `'${r}'`).join(', ')}.`, 'invalid_request_error', 'invalid_value', `messages[${i}].role`);
  }
  const format = body.response_format;
  if (format) {
    if (!['text', 'json_object', 'json_schema'].includes(format.type)) return apiError(400, `Invalid value: '${format.type}'. Supported values are: 'text', 'json_object' and 'json_schema'.`, 'invalid_request_error', 'invalid_value', 'response_format.type');
    if (format.type === 'json_object' && !body.messages.some((m) => /json/i.test(String(m.content)))) {
      return apiError(400, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'invalid_request_error', null, 'messages');
    }
    if (format.type === 'json_schema') {
      const js = format.json_schema;
      if (!js) return apiError(400, "Missing required parameter: 'response_format.json_schema'.", 'invalid_request_error', 'missing_required_parameter', 'response_format.json_schema');
      if (!js.name) return apiError(400, "Missing required parameter: 'response_format.json_schema.name'.", 'invalid_request_error', 'missing_required_parameter', 'response_format.json_schema.name');
      const problem = js.strict ? strictProblem(js.schema ?? {}, []) : null;
      if (problem) return apiError(400, `Invalid schema for response_format '${js.name}': ${problem}`, 'invalid_request_error', 'invalid_json_schema', 'response_format');
    }
  }

  const script = scripts.shift();
  const said = script ? script(body as ChatRequest) : { content: format?.type === 'json_schema' ? smallest(format.json_schema?.schema ?? {}) : format?.type === 'json_object' ? {} : 'OK.' };
  const text = 'content' in said ? (typeof said.content === 'string' ? said.content : JSON.stringify(said.content)) : 'truncated' in said ? said.truncated : null;
  const prompt = body.messages.reduce((n, m) => n + Math.ceil(String(m.content).length / 4), 0);
  const completion = Math.ceil((text ?? '').length / 4);
  return {
    status: 200,
    headers: { 'x-request-id': `req_${randomBytes(8).toString('hex')}`, 'openai-processing-ms': '420' },
    body: {
      id: `chatcmpl-${randomBytes(12).toString('base64url')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{
        index: 0,
        message: { role: 'assistant', content: text, refusal: 'refusal' in said ? said.refusal : null, annotations: [] },
        logprobs: null,
        finish_reason: 'truncated' in said ? 'length' : 'stop',
      }],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } },
      service_tier: 'default',
      system_fingerprint: 'fp_sim',
    },
  };
}

/** What strict structured outputs refuse in a schema, as OpenAI words it; null when it is fine. */
function strictProblem(s: JsonSchema, path: string[]): string | null {
  const where = `In context=(${path.map((p) => `'${p}'`).join(', ')})`;
  if (s.type === 'object') {
    if (s.additionalProperties !== false) return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
    const props = Object.keys(s.properties ?? {});
    const missing = props.filter((p) => !(s.required ?? []).includes(p));
    if (missing.length) return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'.`;
    for (const p of props) {
      const inner = strictProblem(s.properties![p]!, [...path, 'properties', p]);
      if (inner) return inner;
    }
  }
  if (s.type === 'array' && s.items) return strictProblem(s.items, [...path, 'items']);
  return null;
}

/** The smallest value a schema allows: what an unscripted model answers. */
function smallest(s: JsonSchema): unknown {
  if (s.enum) return s.enum[0];
  switch (s.type) {
    case 'object': return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, smallest(v)]));
    case 'array': return [];
    case 'string': return '';
    case 'number': case 'integer': return 0;
    case 'boolean': return false;
    default: return null;
  }
}
