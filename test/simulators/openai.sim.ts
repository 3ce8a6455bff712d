import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { FaultQueue, QUICK_SUCCESS, sample, startSimServer, type SimReply, type SimRequest, type TaskScript } from './shared/index.js';
import { parseMultipart, type MultipartBody } from './stability/multipart.js';
import { type ChatScript, chatCompletion } from './openai-chat.js';

/** A TaskScript plus the error a failure answers with (OpenAI's envelope: status, type, code). */
export type OpenAIScript = TaskScript & { failStatus?: number; failType?: string; failCode?: string };

export interface OpenAISimOptions {
  apiKey?: string;
  script?: OpenAIScript;
  port?: number;
}

const SIZES = ['auto', '1024x1024', '1536x1024', '1024x1536', '256x256', '512x512', '1792x1024', '1024x1792'];
const QUALITIES = ['auto', 'low', 'medium', 'high', 'standard', 'hd'];
const GPT_IMAGE = { sizes: ['1024x1024', '1536x1024', '1024x1536', 'auto'], qualities: ['low', 'medium', 'high', 'auto'], maxN: 10, b64Only: true };
/**
 * Per model, from the official `openai` client's ImageGenerateParams (resources/images.d.ts): sizes,
 * qualities, how many images, and whether response_format is refused (GPT image models always answer base64).
 */
const MODELS: Record<string, { sizes: string[]; qualities: string[]; maxN: number; b64Only: boolean; style?: boolean }> = {
  'gpt-image-1': GPT_IMAGE,
  'gpt-image-1-mini': GPT_IMAGE,
  'gpt-image-1.5': GPT_IMAGE,
  'gpt-image-2': GPT_IMAGE,
  'dall-e-3': { sizes: ['1024x1024', '1792x1024', '1024x1792'], qualities: ['standard', 'hd', 'auto'], maxN: 1, b64Only: false, style: true },
  'dall-e-2': { sizes: ['256x256', '512x512', '1024x1024'], qualities: ['standard', 'auto'], maxN: 10, b64Only: false },
};
const FORMATS = ['png', 'jpeg', 'webp'];

const apiError = (status: number, message: string, type: string, code: string | null = null, param: string | null = null): SimReply => ({
  status,
  headers: { 'x-request-id': `req_${Math.random().toString(16).slice(2)}` },
  body: { error: { message, type, param, code } },
});

/** "sk-abcdef123456" → "sk-ab*******3456", as OpenAI shows a wrong key. */
const masked = (key: string) => `${key.slice(0, 5)}${'*'.repeat(Math.max(0, key.length - 9))}${key.slice(-4)}`;

/**
 * OpenAI simulator: chat completions (openai-chat.ts), and images (PROTOCOLS §6): `POST /v1/images/generations` (JSON) and `/v1/images/edits`
 * (multipart), both synchronous, answering `b64_json` for GPT image models and a URL for dall-e by default.
 */
export async function startOpenAISimulator(options: OpenAISimOptions = {}) {
  const apiKey = options.apiKey ?? 'sk-openai-test';
  const faults = new FaultQueue();
  const nextScripts: OpenAIScript[] = [];
  const chatScripts: ChatScript[] = [];
  const received: { path: string; fields: Record<string, unknown>; files: MultipartBody['files'] }[] = [];
  let baseUrl = '';

  const images = async (req: SimRequest, fields: Record<string, unknown>): Promise<SimReply> => {
    const model = String(fields.model ?? 'dall-e-2');
    if (!fields.prompt) return apiError(400, "Missing required parameter: 'prompt'.", 'invalid_request_error', 'missing_required_parameter', 'prompt');
    const rules = MODELS[model];
    if (!rules) return apiError(400, `Invalid value: '${model}'. Supported values are: ${Object.keys(MODELS).map((m) => `'${m}'`).join(', ')}.`, 'invalid_request_error', 'invalid_value', 'model');
    const size = String(fields.size ?? (rules.b64Only ? 'auto' : '1024x1024'));
    if (!SIZES.includes(size) || !rules.sizes.includes(size)) return apiError(400, `Invalid value: '${size}'. Supported values are: ${rules.sizes.map((s) => `'${s}'`).join(', ')}.`, 'invalid_request_error', 'invalid_value', 'size');
    if (fields.quality !== undefined && (!QUALITIES.includes(String(fields.quality)) || !rules.qualities.includes(String(fields.quality)))) return apiError(400, `Invalid value: '${fields.quality}'. Supported values are: ${rules.qualities.map((q) => `'${q}'`).join(', ')}.`, 'invalid_request_error', 'invalid_value', 'quality');
    if (rules.b64Only && fields.response_format !== undefined) return apiError(400, "Unknown parameter: 'response_format'.", 'invalid_request_error', 'unknown_parameter', 'response_format');
    if (fields.style !== undefined && !rules.style) return apiError(400, "Unknown parameter: 'style'.", 'invalid_request_error', 'unknown_parameter', 'style');
    if (fields.background !== undefined && (!rules.b64Only || !['transparent', 'opaque', 'auto'].includes(String(fields.background)))) return apiError(400, `Invalid value: '${fields.background}'.`, 'invalid_request_error', 'invalid_value', 'background');
    if (Number(fields.n ?? 1) > rules.maxN) return apiError(400, `${fields.n} is greater than the maximum of ${rules.maxN} - 'n'`, 'invalid_request_error', 'invalid_value', 'n');
    const format = String(fields.output_format ?? 'png');
    if (!FORMATS.includes(format)) return apiError(400, `Invalid value: '${format}'.`, 'invalid_request_error', 'invalid_value', 'output_format');
    const n = Number(fields.n ?? 1);
    if (!Number.isInteger(n) || n < 1 || n > 10) return apiError(400, `${n} is greater than the maximum of 10 - 'n'`, 'invalid_request_error', 'invalid_value', 'n');

    const script: OpenAIScript = nextScripts.shift() ?? options.script ?? QUICK_SUCCESS;
    if (script.outcome === 'filtered') {
      return apiError(400, 'Your request was rejected as a result of our safety system. Your request may contain content that is not allowed by our safety system.', 'image_generation_user_error', 'content_policy_violation');
    }
    if (script.outcome === 'failed') return apiError(script.failStatus ?? 400, script.failMessage ?? 'The image could not be generated.', script.failType ?? 'invalid_request_error', script.failCode ?? null);

    // a script's own file stands for a big real result (gpt-image PNGs run to megabytes)
    const png = script.outputFile ? await readFile(script.outputFile.path) : sample('png').bytes;
    const bytes = format === 'png' ? png : await sharp(png).toFormat(format as 'jpeg' | 'webp').toBuffer();
    const gptImage = model.startsWith('gpt-image');
    const asUrl = !gptImage && fields.response_format !== 'b64_json';
    const data = Array.from({ length: n }, () =>
      asUrl ? { url: `${baseUrl}/files/${format}`, revised_prompt: model === 'dall-e-3' ? String(fields.prompt) : null } : { b64_json: bytes.toString('base64'), url: null, revised_prompt: null },
    );
    const body: Record<string, unknown> = { created: Math.floor(Date.now() / 1000), data };
    if (gptImage) {
      Object.assign(body, { background: 'opaque', output_format: format, size: size === 'auto' ? '1024x1024' : size, quality: fields.quality ?? 'high' });
      body.usage = { total_tokens: 100, input_tokens: 50, output_tokens: 50, input_tokens_details: { text_tokens: 10, image_tokens: 40 } };
    }
    return { status: 200, body };
  };

  const handle = async (req: SimRequest): Promise<SimReply> => {
    const fault = faults.take(req);
    if (fault) return fault;
    if (req.method === 'GET' && req.path.startsWith('/files/')) return { status: 200, headers: { 'content-type': 'image/png' }, body: sample('png').bytes };
    const key = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    if (key !== apiKey) {
      return apiError(401, `Incorrect API key provided: ${masked(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key');
    }
    // models.list: what the key may use (the call a key check makes)
    if (req.method === 'GET' && req.path === '/v1/models') return { status: 200, body: { object: 'list', data: ['gpt-image-1', 'dall-e-3', 'gpt-4o-mini'].map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'openai' })) } };
    if (req.method === 'POST' && req.path === '/v1/images/generations') {
      if (!req.json || typeof req.json !== 'object') return apiError(400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
      received.push({ path: req.path, fields: req.json as Record<string, unknown>, files: {} });
      return images(req, req.json as Record<string, unknown>);
    }
    if (req.method === 'POST' && req.path === '/v1/chat/completions') return chatCompletion(req, chatScripts, apiError);
    if (req.method === 'POST' && req.path === '/v1/images/edits') {
      const form = await parseMultipart(req);
      if (!form) return apiError(400, 'Expected multipart/form-data.', 'invalid_request_error');
      received.push({ path: req.path, fields: form.fields, files: form.files });
      if (!form.files.image && !form.files['image[]']) return apiError(400, "Missing required parameter: 'image'.", 'invalid_request_error', 'missing_required_parameter', 'image');
      return images(req, form.fields);
    }
    return apiError(404, `Invalid URL (${req.method} ${req.path})`, 'invalid_request_error');
  };

  const http = await startSimServer(handle, options.port);
  baseUrl = http.url;
  return {
    url: http.url,
    /** What a provider row's base_url (and the SDK's baseURL) should hold. */
    apiUrl: `${http.url}/v1`,
    apiKey,
    log: http.log,
    faults,
    received,
    queueScript: (...scripts: OpenAIScript[]) => nextScripts.push(...scripts),
    /** What the chat model answers to the next chat completions, in order (see openai-chat.ts). */
    queueChat: (...scripts: ChatScript[]) => chatScripts.push(...scripts),
    close: () => http.close(),
  };
}

export type OpenAISimulator = Awaited<ReturnType<typeof startOpenAISimulator>>;
