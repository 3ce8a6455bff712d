import { createHash } from 'node:crypto';
import type { JsonSchema } from '../shared/index.js';

/**
 * Official models the Replicate simulator hosts, with the input fields of their model pages
 * (replicate.com/<owner>/<name>/api). Each is served as Replicate serves a model version: an
 * `openapi_schema` whose components.schemas.Input lists the fields in Cog's shape — `x-order`, `title`,
 * enums as `allOf: [{$ref}]` to a named schema, images as `{type: string, format: uri}`.
 */
interface Field {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'uri' | 'uris';
  options?: (string | number)[];
  default?: unknown;
  min?: number;
  max?: number;
  description: string;
}

export interface ReplicateModel {
  description: string;
  output: 'image' | 'images' | 'video';
  required: string[];
  fields: Record<string, Field>;
}

const prompt: Field = { type: 'string', description: 'Text prompt for generation' };
const seed: Field = { type: 'integer', description: 'Random seed. Set for reproducible generation' };

const veo31 = (extra: Record<string, Field>): ReplicateModel => ({
  description: 'Google Veo 3.1: video with context-aware audio, a last frame for transitions',
  output: 'video',
  required: ['prompt'],
  fields: {
    prompt,
    aspect_ratio: { options: ['16:9', '9:16'], default: '16:9', description: 'Video aspect ratio' },
    duration: { options: [4, 6, 8], default: 8, description: 'Video duration in seconds' },
    image: { type: 'uri', description: 'Input image to start generating from. Ideal images are 16:9 or 9:16 and 1280x720 or 720x1280, depending on the aspect ratio you choose.' },
    last_frame: { type: 'uri', description: 'Ending image for interpolation. When provided with an input image, creates a transition between the two images.' },
    ...extra,
    negative_prompt: { type: 'string', description: 'Description of what to exclude from the generated video' },
    resolution: { options: ['720p', '1080p'], default: '1080p', description: 'Resolution of the generated video' },
    generate_audio: { type: 'boolean', default: true, description: 'Generate audio with the video' },
    seed: { type: 'integer', description: 'Random seed. Omit for random generations' },
  },
});

export const REPLICATE_MODELS: Record<string, ReplicateModel> = {
  'black-forest-labs/flux-schnell': {
    description: 'The fastest image generation model tailored for local development and personal use',
    output: 'images',
    required: ['prompt'],
    fields: {
      prompt: { type: 'string', description: 'Prompt for generated image' },
      aspect_ratio: { options: ['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '3:4', '4:3', '9:16', '9:21'], default: '1:1', description: 'Aspect ratio for the generated image' },
      num_outputs: { type: 'integer', min: 1, max: 4, default: 1, description: 'Number of outputs to generate' },
      num_inference_steps: { type: 'integer', min: 1, max: 4, default: 4, description: 'Number of denoising steps. 4 is recommended, and lower number of steps produce lower quality outputs, faster.' },
      seed,
      output_format: { options: ['webp', 'jpg', 'png'], default: 'webp', description: 'Format of the output images' },
      output_quality: { type: 'integer', min: 0, max: 100, default: 80, description: 'Quality when saving the output images, from 0 to 100. 100 is best quality, 0 is lowest quality. Not relevant for .png outputs' },
      disable_safety_checker: { type: 'boolean', default: false, description: 'Disable safety checker for generated images.' },
      go_fast: { type: 'boolean', default: true, description: 'Run faster predictions with model optimized for speed (currently fp8 quantized); disable to run in original bf16.' },
      megapixels: { options: ['1', '0.25'], default: '1', description: 'Approximate number of megapixels for generated image' },
    },
  },
  'google/veo-3.1-fast': veo31({}),
  'google/veo-3.1': veo31({ reference_images: { type: 'uris', description: '1 to 3 reference images for subject-consistent generation (reference-to-video, or R2V). Reference images only work with 16:9 aspect ratio and 8-second duration. Last frame is ignored if reference images are provided.' } }),
  'openai/sora-2': {
    description: "OpenAI's flagship video generation with synced audio",
    output: 'video',
    required: ['prompt'],
    fields: {
      prompt: { type: 'string', description: 'A text description of the video to generate' },
      seconds: { options: [4, 8, 12], default: 4, description: 'Duration of the video in seconds' },
      aspect_ratio: { options: ['portrait', 'landscape'], default: 'portrait', description: 'Aspect ratio of the video. Portrait is 720x1280, landscape is 1280x720' },
      input_reference: { type: 'uri', description: 'An optional image to use as the first frame of the video. The image must be the same aspect ratio as the video.' },
      openai_api_key: { type: 'string', description: 'Optional: Your OpenAI API key. If you use your own OpenAI API key, you will be charged directly by OpenAI.' },
    },
  },
  'kwaivgi/kling-v2.5-turbo-pro': {
    description: 'Kling 2.5 Turbo Pro: text-to-video and image-to-video with smooth motion and cinematic depth',
    output: 'video',
    required: ['prompt'],
    fields: {
      prompt: { type: 'string', description: 'Text prompt for video generation' },
      negative_prompt: { type: 'string', description: 'Things you do not want to see in the video' },
      start_image: { type: 'uri', description: 'First frame of the video (image-to-video)' },
      aspect_ratio: { options: ['16:9', '9:16', '1:1'], default: '16:9', description: 'Aspect ratio (ignored if start_image is provided)' },
      duration: { options: [5, 10], default: 5, description: 'Duration in seconds' },
    },
  },
};

/** A stable 64-hex version id per model, as Replicate pins versions. */
export const versionOf = (name: string) => createHash('sha256').update(`genbox-sim:${name}`).digest('hex');

/** The version's openapi_schema, in Cog's shape. */
export function cogSchema(m: ReplicateModel): Record<string, unknown> {
  const enums: Record<string, JsonSchema> = {};
  const properties: Record<string, JsonSchema> = {};
  Object.entries(m.fields).forEach(([name, f], order) => {
    const base = { title: name.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join(' '), 'x-order': order, description: f.description, ...(f.default !== undefined ? { default: f.default } : {}) };
    if (f.options) {
      enums[name] = { title: name, enum: f.options, type: typeof f.options[0] === 'number' ? 'integer' : 'string', description: 'An enumeration.' };
      properties[name] = { ...base, allOf: [{ $ref: `#/components/schemas/${name}` }] };
    } else if (f.type === 'uri') properties[name] = { ...base, type: 'string', format: 'uri' };
    else if (f.type === 'uris') properties[name] = { ...base, type: 'array', items: { type: 'string', format: 'uri' } };
    else properties[name] = { ...base, type: f.type, ...(f.min !== undefined ? { minimum: f.min } : {}), ...(f.max !== undefined ? { maximum: f.max } : {}) };
  });
  const output = m.output === 'images' ? { type: 'array', items: { type: 'string', format: 'uri' }, title: 'Output' } : { type: 'string', format: 'uri', title: 'Output' };
  return {
    openapi: '3.0.2',
    info: { title: 'Cog', version: '0.1.0' },
    paths: { '/predictions': { post: { summary: 'Predict', operationId: 'predict_predictions_post', requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/PredictionRequest' } } } } } } },
    components: {
      schemas: {
        Input: { type: 'object', title: 'Input', required: m.required, properties },
        Output: output,
        Status: { title: 'Status', enum: ['starting', 'processing', 'succeeded', 'canceled', 'failed'], type: 'string', description: 'An enumeration.' },
        PredictionRequest: { title: 'PredictionRequest', type: 'object', properties: { id: { title: 'Id', type: 'string' }, input: { $ref: '#/components/schemas/Input' } } },
        ...enums,
      },
    },
  };
}
