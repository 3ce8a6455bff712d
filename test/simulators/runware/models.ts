/**
 * What the Runware simulator knows of each model (AIR id), from the model pages' "Compatibility &
 * Validation" sections (runware.ai/docs/models/<model>). A task for a model not listed is refused
 * with invalidModel, as Runware refuses an unknown AIR id.
 */
export interface RunwareModelRules {
  kind: 'image' | 'video';
  /** Allowed `${width}x${height}`; absent: any multiple of 64 from 128 to 2048 (image models). */
  dims?: string[];
  durations?: number[];
  /** "providerSettings cannot be used with inputs.frameImages". */
  providerSettingsWithoutFrames?: boolean;
  /** "When providerSettings is provided, duration must be N". */
  providerSettingsDuration?: number;
  /** The provider key allowed under providerSettings (vidu, google, …). */
  providerSettingsKey?: string;
  /** Accepts inputs.frameImages (image-to-video). */
  frameImages?: boolean;
  /** "Provide exactly one of: inputs.frameImages or width/height". */
  framesXorDims?: boolean;
}

const VEO_DIMS = ['1280x720', '720x1280', '1920x1080', '1080x1920'];

export const RUNWARE_MODELS: Record<string, RunwareModelRules> = {
  // FLUX.1 [schnell] and [dev] (runware.ai/docs/models/flux-1-schnell, flux-1-dev)
  'runware:100@1': { kind: 'image' },
  'runware:101@1': { kind: 'image' },
  // FLUX.1 Kontext [pro] (runware.ai/docs/models/bfl-flux-1-kontext-pro)
  'bfl:3@1': { kind: 'image' },
  // Imagen 4 (runware.ai/docs/models/google-imagen-4)
  'google:2@1': { kind: 'image' },
  // Seedream 4.0 (runware.ai/docs/models/bytedance-seedream-4-0)
  'bytedance:5@0': { kind: 'image' },
  // Veo 2 (runware.ai/docs/models/google-veo-2): 720p, 5–8 s
  'google:2@0': { kind: 'video', dims: ['1280x720', '720x1280'], durations: [5, 6, 7, 8], providerSettingsKey: 'google', frameImages: true, framesXorDims: true },
  // Veo 3 / Veo 3 Fast (runware.ai/docs/models/google-veo-3, google-veo-3-fast): 8 s
  'google:3@0': { kind: 'video', dims: VEO_DIMS, durations: [8], providerSettingsKey: 'google', frameImages: true },
  'google:3@1': { kind: 'video', dims: VEO_DIMS, durations: [8], providerSettingsKey: 'google', frameImages: true },
  // Veo 3.1 / Veo 3.1 Fast (runware.ai/docs/models/google-veo-3-1, google-veo-3-1-fast)
  'google:3@2': { kind: 'video', dims: VEO_DIMS, durations: [4, 6, 8], providerSettingsKey: 'google', frameImages: true, framesXorDims: true },
  'google:3@3': { kind: 'video', dims: VEO_DIMS, durations: [4, 6, 8], providerSettingsKey: 'google', frameImages: true, framesXorDims: true },
  // Vidu Q1 (runware.ai/docs/models/vidu-q1): 1080p only; providerSettings never with frameImages, and only at 4 s
  'vidu:1@1': { kind: 'video', dims: ['1920x1080', '1080x1080', '1080x1920'], durations: [4, 5], providerSettingsWithoutFrames: true, providerSettingsDuration: 4, providerSettingsKey: 'vidu', frameImages: true },
  // Vidu 1.5 and 2.0 (runware.ai/docs/providers/vidu): background music only on 4 s clips
  'vidu:1@5': { kind: 'video', dims: ['1280x720', '720x1280', '960x960'], durations: [4, 8], providerSettingsDuration: 4, providerSettingsKey: 'vidu', frameImages: true },
  'vidu:2@0': { kind: 'video', dims: ['1280x720', '720x1280', '960x960'], durations: [4, 8], providerSettingsWithoutFrames: true, providerSettingsDuration: 4, providerSettingsKey: 'vidu', frameImages: true },
  // KlingAI 2.5 Turbo Standard (runware.ai/docs/models/klingai-2-5-turbo-standard): image to video, 720p
  'klingai:6@0': { kind: 'video', durations: [5, 10], frameImages: true },
  // Kling 2.1 Pro and 2.5 Turbo Pro (runware.ai/docs/models/klingai-2-1-pro, klingai-2-5-turbo-pro): 5 or 10 s
  'klingai:5@3': { kind: 'video', durations: [5, 10], frameImages: true },
  'klingai:6@1': { kind: 'video', durations: [5, 10], frameImages: true },
};

/** The first rule a videoInference task breaks, as Runware's error entry, or null. */
export function videoRuleProblem(rules: RunwareModelRules, task: Record<string, unknown>): { code: string; message: string; parameter: string } | null {
  const inputs = (task.inputs ?? {}) as { frameImages?: unknown[] };
  const hasFrames = Array.isArray(inputs.frameImages) && inputs.frameImages.length > 0;
  const settings = task.providerSettings as Record<string, unknown> | undefined;
  const hasDims = task.width !== undefined || task.height !== undefined;
  if (rules.framesXorDims && hasFrames === hasDims) return { code: 'invalidParameters', parameter: 'width', message: 'Provide exactly one of: inputs.frameImages or width/height.' };
  if (hasDims) {
    if (task.width === undefined || task.height === undefined) return { code: 'invalidDimensions', parameter: 'width', message: 'width and height must be used together.' };
    if (rules.dims && !rules.dims.includes(`${task.width}x${task.height}`)) return { code: 'invalidDimensions', parameter: 'width', message: `Unsupported dimensions ${task.width}x${task.height}; supported: ${rules.dims.join(', ')}.` };
  }
  if (task.duration !== undefined && rules.durations && !rules.durations.includes(Number(task.duration))) {
    return { code: 'invalidDuration', parameter: 'duration', message: `duration must be one of ${rules.durations.join(', ')}.` };
  }
  if (hasFrames && !rules.frameImages) return { code: 'unsupportedParameter', parameter: 'inputs.frameImages', message: 'This model does not take frame images.' };
  if (settings) {
    const keys = Object.keys(settings);
    if (!rules.providerSettingsKey || keys.some((k) => k !== rules.providerSettingsKey)) return { code: 'unsupportedParameter', parameter: 'providerSettings', message: `providerSettings.${keys[0]} does not apply to this model.` };
    if (rules.providerSettingsWithoutFrames && hasFrames) return { code: 'unsupportedParameter', parameter: 'providerSettings', message: 'providerSettings cannot be used with inputs.frameImages.' };
    if (rules.providerSettingsDuration !== undefined && Number(task.duration) !== rules.providerSettingsDuration) {
      return { code: 'invalidDuration', parameter: 'duration', message: `When providerSettings is provided, duration must be ${rules.providerSettingsDuration}.` };
    }
  }
  return null;
}

/** Image sizes: the model's list, or Runware's general rule (multiples of 64 from 128 to 2048). */
export function imageDimsProblem(rules: RunwareModelRules, task: Record<string, unknown>): { code: string; message: string; parameter: string } | null {
  if (task.width === undefined && task.height === undefined) return null;
  const w = Number(task.width);
  const h = Number(task.height);
  if (rules.dims) return rules.dims.includes(`${w}x${h}`) ? null : { code: 'invalidDimensions', parameter: 'width', message: `Unsupported dimensions ${w}x${h}; supported: ${rules.dims.join(', ')}.` };
  const ok = (v: number) => Number.isInteger(v) && v % 64 === 0 && v >= 128 && v <= 2048;
  return ok(w) && ok(h) ? null : { code: 'invalidDimensions', parameter: 'width', message: 'width and height must be multiples of 64 between 128 and 2048.' };
}
