import type { JsonSchema } from '../shared/index.js';

/**
 * The models the Kie.ai simulator knows, with the input fields their docs.kie.ai pages document.
 * Kie answers an unknown model or a field the model does not take with code 422 (Validation Error,
 * PROTOCOLS §1.3); fields are refused when not documented, so `input.input` or a misnamed image field fails.
 */
const str: JsonSchema = { type: 'string' };
const url: JsonSchema = { type: 'string', minLength: 1 };
const bool: JsonSchema = { type: 'boolean' };
const input = (properties: Record<string, JsonSchema>, required: string[] = ['prompt']): JsonSchema => ({ type: 'object', properties, required, additionalProperties: false });

export const KIE_MARKET_MODELS: Record<string, JsonSchema> = {
  // docs.kie.ai market/bytedance/seedance-1.5-pro
  'bytedance/seedance-1.5-pro': input({
    prompt: str,
    input_urls: { type: 'array', items: url, maxItems: 2 },
    aspect_ratio: { type: 'string', enum: ['1:1', '21:9', '4:3', '3:4', '16:9', '9:16'] },
    resolution: { type: 'string', enum: ['480p', '720p', '1080p'] },
    duration: { type: 'string', enum: ['4', '8', '12'] },
    fixed_lens: bool,
    generate_audio: bool,
  }),
  // docs.kie.ai market/google/nano-banana-2
  'nano-banana-2': input({ prompt: str, aspect_ratio: str, resolution: { type: 'string', enum: ['1K', '2K', '4K'] }, output_format: { type: 'string', enum: ['png', 'jpg'] }, image_input: { type: 'array', items: url, maxItems: 14 }, image_urls: { type: 'array', items: url } }),
  // docs.kie.ai market/google/nano-banana
  'google/nano-banana': input({ prompt: str, output_format: { type: 'string', enum: ['png', 'jpeg'] }, image_size: { type: 'string', enum: ['1:1', '9:16', '16:9', '3:4', '4:3', '3:2', '2:3', '5:4', '4:5', '21:9', 'auto'] } }),
  // docs.kie.ai market/google/nano-banana-edit
  'google/nano-banana-edit': input({ prompt: str, image_urls: { type: 'array', items: url, minItems: 1, maxItems: 10 }, output_format: { type: 'string', enum: ['png', 'jpeg'] }, image_size: str }, ['prompt', 'image_urls']),
  // docs.kie.ai market/kling/v2-5-turbo-image-to-video-pro
  'kling/v2-5-turbo-image-to-video-pro': input({ prompt: str, image_url: url, tail_image_url: str, duration: { type: 'string', enum: ['5', '10'] }, negative_prompt: str, cfg_scale: { type: 'number', minimum: 0, maximum: 1 } }, ['prompt', 'image_url']),
  // docs.kie.ai market/kling/v2-5-turbo-text-to-video-pro
  'kling/v2-5-turbo-text-to-video-pro': input({ prompt: str, duration: { type: 'string', enum: ['5', '10'] }, aspect_ratio: { type: 'string', enum: ['16:9', '9:16', '1:1'] }, negative_prompt: str, cfg_scale: { type: 'number', minimum: 0, maximum: 1 } }),
  // docs.kie.ai market/sora2/sora-2-text-to-video
  'sora-2-text-to-video': input({ prompt: str, aspect_ratio: { type: 'string', enum: ['portrait', 'landscape'] }, n_frames: { type: 'string', enum: ['10', '15'] }, remove_watermark: bool }),
  // docs.kie.ai market/sora2/sora-2-image-to-video
  'sora-2-image-to-video': input({ prompt: str, image_urls: { type: 'array', items: url, minItems: 1, maxItems: 1 }, aspect_ratio: { type: 'string', enum: ['portrait', 'landscape'] }, n_frames: { type: 'string', enum: ['10', '15'] }, remove_watermark: bool }, ['prompt', 'image_urls']),
  // docs.kie.ai market/seedream/4-5-text-to-image
  'seedream/4.5-text-to-image': input({ prompt: str, aspect_ratio: { type: 'string', enum: ['1:1', '4:3', '3:4', '16:9', '9:16', '2:3', '3:2', '21:9'] }, quality: { type: 'string', enum: ['basic', 'high'] }, nsfw_checker: bool }),
  // docs.kie.ai market/google/imagen4-fast
  'google/imagen4-fast': input({ prompt: str, negative_prompt: str, aspect_ratio: { type: 'string', enum: ['1:1', '16:9', '9:16', '3:4', '4:3'] }, num_images: { type: 'string', enum: ['1', '2', '3', '4'] }, seed: { type: 'integer' } }),
};

/** `POST /api/v1/veo/generate` (docs.kie.ai/veo3-api/generate-veo-3-video). */
export const KIE_VEO_BODY: JsonSchema = {
  type: 'object',
  required: ['prompt'],
  additionalProperties: false,
  properties: {
    prompt: { type: 'string', minLength: 1 },
    imageUrls: { type: 'array', items: url, maxItems: 3 },
    model: { type: 'string', enum: ['veo3', 'veo3_fast'] },
    generationType: { type: 'string', enum: ['TEXT_2_VIDEO', 'FIRST_AND_LAST_FRAMES_2_VIDEO', 'REFERENCE_2_VIDEO'] },
    aspectRatio: { type: 'string', enum: ['16:9', '9:16', 'Auto'] },
    seeds: { type: 'integer', minimum: 10000, maximum: 99999 },
    callBackUrl: str,
    enableTranslation: bool,
    enableFallback: bool,
    watermark: str,
  },
};
