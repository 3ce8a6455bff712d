import type { JsonSchema } from '../shared/index.js';

/**
 * The fal endpoints the simulator serves, with their input schemas as fal publishes them per endpoint
 * (`https://fal.ai/api/openapi/queue/openapi.json?endpoint_id=<id>`: components.schemas.<Name>Input,
 * with `title`, `description`, `default`, enums, and `anyOf` for image_size presets). The simulator
 * validates inputs against them (a bad input fails the queued request with 422 `detail`, as fal's runner
 * does) and serves them as that OpenAPI document for import-by-name.
 */
export interface FalEndpoint {
  category: 'text-to-image' | 'image-to-image' | 'text-to-video' | 'image-to-video';
  input: JsonSchema;
  output: 'image' | 'video';
}

const text = (title: string, description?: string): JsonSchema => ({ type: 'string', title, ...(description ? { description } : {}) });
const url = (title: string, description: string): JsonSchema => ({ type: 'string', title, description });
const choice = (title: string, options: unknown[], dflt?: unknown, description?: string): JsonSchema => ({ type: typeof options[0] === 'number' ? 'integer' : 'string', enum: options, title, ...(dflt !== undefined ? { default: dflt } : {}), ...(description ? { description } : {}) });
const int = (title: string, min?: number, max?: number, dflt?: number, description?: string): JsonSchema => ({ type: 'integer', title, ...(min !== undefined ? { minimum: min } : {}), ...(max !== undefined ? { maximum: max } : {}), ...(dflt !== undefined ? { default: dflt } : {}), ...(description ? { description } : {}) });
const num = (title: string, min: number, max: number, dflt: number, description?: string): JsonSchema => ({ type: 'number', title, minimum: min, maximum: max, default: dflt, ...(description ? { description } : {}) });
const bool = (title: string, dflt: boolean, description?: string): JsonSchema => ({ type: 'boolean', title, default: dflt, ...(description ? { description } : {}) });
/** The prompt of every endpoint must not be empty (fal's runner refuses a blank prompt with 422). */
const input = (properties: Record<string, JsonSchema>, required: string[] = ['prompt']): JsonSchema => ({
  type: 'object',
  properties: properties.prompt ? { ...properties, prompt: { ...properties.prompt, minLength: 1 } } : properties,
  required,
});

const SIZES = ['square_hd', 'square', 'portrait_4_3', 'portrait_16_9', 'landscape_4_3', 'landscape_16_9'];
const imageSize = (dflt: string): JsonSchema => ({ title: 'Image Size', description: 'The size of the generated image.', default: dflt, anyOf: [{ $ref: '#/components/schemas/ImageSize' }, { type: 'string', enum: SIZES }] });
const seed = int('Seed', undefined, undefined, undefined, 'The same seed and the same prompt given to the same version of the model will output the same image every time.');
const safety = choice('Safety Tolerance', ['1', '2', '3', '4', '5', '6'], '4', 'The safety tolerance level for content moderation. 1 is the most strict, 6 is the least strict.');
const veoDuration = choice('Duration', ['4s', '6s', '8s'], '8s', 'The duration of the generated video.');

const flux = (steps: number, maxSteps: number) => input({
  prompt: text('Prompt', 'The prompt to generate an image from.'),
  image_size: imageSize('landscape_4_3'),
  num_inference_steps: int('Num Inference Steps', 1, maxSteps, steps, 'The number of inference steps to perform.'),
  seed,
  guidance_scale: num('Guidance scale (CFG)', 1, 20, 3.5, 'How close the model sticks to your prompt.'),
  num_images: int('Num Images', 1, 4, 1, 'The number of images to generate.'),
  enable_safety_checker: bool('Enable Safety Checker', true, 'If set to true, the safety checker will be enabled.'),
  output_format: choice('Output Format', ['jpeg', 'png'], 'jpeg', 'The format of the generated image.'),
  acceleration: choice('Acceleration', ['none', 'regular', 'high'], 'none', 'The speed of the generation.'),
});

const veo31 = (frames: Record<string, JsonSchema>, required: string[], ratios: string[]) => input({
  prompt: text('Prompt', 'The text prompt describing the video you want to generate.'),
  ...frames,
  aspect_ratio: choice('Aspect Ratio', ratios, ratios[0], 'The aspect ratio of the generated video.'),
  duration: veoDuration,
  negative_prompt: text('Negative Prompt', 'A negative prompt to guide the video generation.'),
  resolution: choice('Resolution', ['720p', '1080p', '4k'], '720p', 'The resolution of the generated video.'),
  generate_audio: bool('Generate Audio', true, 'Whether to generate audio for the video.'),
  seed: int('Seed', undefined, undefined, undefined, 'The seed for the random number generator.'),
  auto_fix: bool('Auto Fix', false, 'Whether to automatically attempt to fix prompts that fail content policy or other validation checks by rewriting them.'),
  safety_tolerance: safety,
}, required);

const kling = (extra: Record<string, JsonSchema>, required: string[]) => input({
  prompt: text('Prompt'),
  ...extra,
  duration: choice('Duration', ['5', '10'], '5', 'The duration of the generated video in seconds.'),
  aspect_ratio: choice('Aspect Ratio', ['16:9', '9:16', '1:1'], '16:9', 'The aspect ratio of the generated video frame.'),
  negative_prompt: { ...text('Negative Prompt'), default: 'blur, distort, and low quality' },
  cfg_scale: num('Cfg Scale', 0, 1, 0.5, 'How close you want the model to stick to your prompt.'),
}, required);

export const FAL_ENDPOINTS: Record<string, FalEndpoint> = {
  'fal-ai/flux/schnell': { category: 'text-to-image', output: 'image', input: flux(4, 12) },
  'fal-ai/flux/dev': { category: 'text-to-image', output: 'image', input: flux(28, 50) },
  'fal-ai/flux-pro/kontext': {
    category: 'image-to-image', output: 'image',
    input: input({
      prompt: text('Prompt', 'The prompt to edit the image.'),
      image_url: url('Image URL', 'Image prompt for the omni model.'),
      aspect_ratio: choice('Aspect Ratio', ['21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '9:16', '9:21'], undefined, 'The aspect ratio of the generated image.'),
      guidance_scale: num('Guidance scale (CFG)', 1, 20, 3.5),
      num_images: int('Num Images', 1, 4, 1),
      output_format: choice('Output Format', ['jpeg', 'png'], 'jpeg'),
      safety_tolerance: { ...safety, default: '2' },
      enhance_prompt: bool('Enhance Prompt', false, 'Whether to enhance the prompt for better results.'),
      seed,
    }, ['prompt', 'image_url']),
  },
  'fal-ai/bytedance/seedream/v4/text-to-image': {
    category: 'text-to-image', output: 'image',
    input: input({ prompt: text('Prompt', 'The text prompt used to generate the image'), image_size: { ...imageSize('square_hd'), description: 'The size of the generated image. Total pixels must be between 960x960 and 4096x4096.' }, num_images: int('Num Images', 1, 6, 1), enable_safety_checker: bool('Enable Safety Checker', true), enhance_prompt_mode: choice('Enhance Prompt Mode', ['standard', 'fast'], 'standard'), seed }),
  },
  'fal-ai/imagen4/preview': {
    category: 'text-to-image', output: 'image',
    input: input({ prompt: text('Prompt', 'The text prompt to generate an image from.'), aspect_ratio: choice('Aspect Ratio', ['1:1', '16:9', '9:16', '4:3', '3:4'], '1:1'), resolution: choice('Resolution', ['1K', '2K'], '1K'), output_format: choice('Output Format', ['jpeg', 'png', 'webp'], 'png'), num_images: int('Number of Images', 1, 4, 1), safety_tolerance: safety, seed }),
  },
  'fal-ai/ideogram/v3': {
    category: 'text-to-image', output: 'image',
    input: input({ prompt: text('Prompt'), image_size: imageSize('square_hd'), rendering_speed: choice('Rendering Speed', ['TURBO', 'BALANCED', 'QUALITY'], 'BALANCED', 'The rendering speed to use.'), style: choice('Style', ['AUTO', 'GENERAL', 'REALISTIC', 'DESIGN'], undefined, 'The style type to generate with.'), expand_prompt: bool('Expand Prompt', true, 'Determine if MagicPrompt should be used.'), negative_prompt: text('Negative Prompt'), num_images: int('Num Images', 1, 8, 1), seed }),
  },
  'fal-ai/nano-banana': {
    category: 'text-to-image', output: 'image',
    input: input({ prompt: text('Prompt'), aspect_ratio: choice('Aspect Ratio', ['21:9', '16:9', '3:2', '4:3', '5:4', '1:1', '4:5', '3:4', '2:3', '9:16'], '1:1'), output_format: choice('Output Format', ['jpeg', 'png', 'webp'], 'png'), num_images: int('Number of Images', 1, 4, 1), seed }),
  },
  'fal-ai/veo3': {
    category: 'text-to-video', output: 'video',
    input: input({ prompt: text('Prompt'), aspect_ratio: choice('Aspect Ratio', ['16:9', '9:16'], '16:9'), duration: veoDuration, resolution: choice('Resolution', ['720p', '1080p'], '720p'), generate_audio: bool('Generate Audio', true), negative_prompt: text('Negative Prompt'), auto_fix: bool('Auto Fix', true), safety_tolerance: safety, seed }),
  },
  'fal-ai/veo3.1': { category: 'text-to-video', output: 'video', input: veo31({}, ['prompt'], ['16:9', '9:16']) },
  'fal-ai/veo3.1/fast/image-to-video': { category: 'image-to-video', output: 'video', input: veo31({ image_url: url('Image URL', 'URL of the input image to animate.') }, ['prompt', 'image_url'], ['auto', '16:9', '9:16']) },
  'fal-ai/veo3.1/fast/first-last-frame-to-video': {
    category: 'image-to-video', output: 'video',
    input: veo31({ first_frame_url: url('First Frame URL', 'URL of the first frame of the video'), last_frame_url: url('Last Frame URL', 'URL of the last frame of the video') }, ['prompt', 'first_frame_url', 'last_frame_url'], ['auto', '16:9', '9:16']),
  },
  'fal-ai/kling-video/v2.5-turbo/pro/image-to-video': { category: 'image-to-video', output: 'video', input: kling({ image_url: url('Image Url', 'URL of the image to be used for the video'), tail_image_url: url('Tail Image Url', 'URL of the image to be used for the end of the video') }, ['prompt', 'image_url']) },
  'fal-ai/kling-video/v2.5-turbo/pro/text-to-video': { category: 'text-to-video', output: 'video', input: kling({}, ['prompt']) },
  'fal-ai/kling-video/v2/master/image-to-video': { category: 'image-to-video', output: 'video', input: kling({ image_url: url('Image Url', 'URL of the image to be used for the video') }, ['prompt', 'image_url']) },
  'fal-ai/sora-2/text-to-video': {
    category: 'text-to-video', output: 'video',
    input: input({ prompt: text('Prompt', 'The text prompt describing the video you want to generate'), aspect_ratio: choice('Aspect Ratio', ['9:16', '16:9'], '16:9'), duration: choice('Duration', [4, 8, 12], 4, 'Duration of the generated video in seconds'), resolution: choice('Resolution', ['720p'], '720p'), delete_video: bool('Delete Video', true, 'Whether to delete the video after generation for privacy reasons.'), detect_and_block_ip: bool('Detect And Block Ip', false) }),
  },
  // A namespaced endpoint (a fal workflow), whose status URLs keep the namespace.
  'workflows/genbox-test/storyboard': { category: 'text-to-image', output: 'image', input: input({ prompt: text('Prompt') }) },
};

/** The shared schemas an endpoint's input refers to, for validation (`$ref: #/components/schemas/ImageSize`). */
export const FAL_SCHEMA_ROOT = { components: { schemas: { ImageSize: { type: 'object', title: 'ImageSize', properties: { width: { type: 'integer', title: 'Width', default: 512, maximum: 14142 }, height: { type: 'integer', title: 'Height', default: 512, maximum: 14142 } } } } } };

/** The app part of an endpoint id, as fal routes status / result / cancel: `[workflows|comfy/]owner/app`. */
export function falApp(endpointId: string): string {
  const parts = endpointId.split('/');
  const ns = ['workflows', 'comfy'].includes(parts[0]) ? 1 : 0;
  return parts.slice(0, ns + 2).join('/');
}

const pascal = (id: string) => id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');

/** The per-endpoint OpenAPI document, in the shape fal serves it. */
export function falOpenApi(endpointId: string, e: FalEndpoint): Record<string, unknown> {
  const name = pascal(endpointId.replace(/^fal-ai\//, ''));
  const statusRef = { $ref: '#/components/schemas/QueueStatus' };
  return {
    openapi: '3.0.4',
    info: { title: 'Queue OpenAPI for ' + endpointId, version: '1.0.0', description: 'The OpenAPI schema for the ' + endpointId + ' queue.', 'x-fal-metadata': { endpointId, category: e.category, playgroundUrl: `https://fal.ai/models/${endpointId}`, documentationUrl: `https://fal.ai/models/${endpointId}/api` } },
    components: {
      securitySchemes: { apiKeyAuth: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Fal Key' } },
      schemas: {
        QueueStatus: { type: 'object', title: 'QueueStatus', required: ['status', 'request_id'], properties: { status: { type: 'string', enum: ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'] }, request_id: { type: 'string' }, response_url: { type: 'string', format: 'uri' }, status_url: { type: 'string', format: 'uri' }, cancel_url: { type: 'string', format: 'uri' }, queue_position: { type: 'integer' } } },
        ...FAL_SCHEMA_ROOT.components.schemas,
        [`${name}Input`]: { title: `${name}Input`, ...e.input, 'x-fal-order-properties': Object.keys(e.input.properties ?? {}) },
        [`${name}Output`]: e.output === 'image'
          ? { title: `${name}Output`, type: 'object', required: ['images'], properties: { images: { type: 'array', items: { $ref: '#/components/schemas/Image' } }, seed: { type: 'integer' } } }
          : { title: `${name}Output`, type: 'object', required: ['video'], properties: { video: { $ref: '#/components/schemas/File' } } },
        Image: { type: 'object', title: 'Image', required: ['url'], properties: { url: { type: 'string' }, width: { type: 'integer' }, height: { type: 'integer' }, content_type: { type: 'string' } } },
        File: { type: 'object', title: 'File', required: ['url'], properties: { url: { type: 'string' }, content_type: { type: 'string' }, file_name: { type: 'string' }, file_size: { type: 'integer' } } },
      },
    },
    paths: {
      [`/${endpointId}/requests/{request_id}/status`]: { get: { parameters: [{ name: 'request_id', in: 'path', required: true, schema: { type: 'string' } }, { name: 'logs', in: 'query', required: false, schema: { type: 'number' } }], responses: { 200: { description: 'The request status.', content: { 'application/json': { schema: statusRef } } } } } },
      [`/${endpointId}/requests/{request_id}/cancel`]: { put: { parameters: [{ name: 'request_id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'The request was cancelled.' } } } },
      [`/${endpointId}`]: { post: { requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Input` } } } }, responses: { 200: { description: 'The request status.', content: { 'application/json': { schema: statusRef } } } } } },
      [`/${endpointId}/requests/{request_id}`]: { get: { parameters: [{ name: 'request_id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'Result of the request.', content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Output` } } } } } } },
    },
    servers: [{ url: 'https://queue.fal.run' }],
    security: [{ apiKeyAuth: [] }],
  };
}
