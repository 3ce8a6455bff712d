// @vitest-environment happy-dom
import type { ModelDto } from '@genbox/contracts';
import { describe, expect, it } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import { makeModel } from '../test/fixtures';
import { useGenerateForm } from './useGenerateForm';

const video = makeModel({
  id: 'veo',
  parameters_schema: {
    duration: { type: 'select', label: 'Duration', options: ['4', '8', '12'], default: '8' },
    seed: { type: 'number', label: 'Seed', min: 0, max: 2147483647, integer: true },
    generate_audio: { type: 'boolean', label: 'Sound', default: true },
    resolution: { type: 'select', label: 'Resolution', options: ['720p'], default: '720p', fixed: true },
    negative_prompt: { type: 'text' },
  },
});
const img2vid = makeModel({ id: 'i2v', input_type: 'IMAGE', parameters_schema: { strength: { type: 'number', label: 'Strength', min: 0, max: 1, required: true } } });

function form(model: ModelDto | null) {
  const m = ref<ModelDto | null>(model);
  const f = effectScope().run(() => useGenerateForm(m))!;
  return { m, f };
}

describe('generate form', () => {
  it("builds one field per parameter with the model's labels, options and limits", () => {
    const { f } = form(video);
    expect(f.fields.value.map((x) => [x.name, x.kind, x.label])).toEqual([
      ['duration', 'select', 'Duration'],
      ['seed', 'number', 'Seed'],
      ['generate_audio', 'boolean', 'Sound'],
      ['resolution', 'select', 'Resolution'],
      ['negative_prompt', 'text', 'Negative prompt'],
    ]);
    expect(f.fields.value[0]!.options.map((o) => o.label)).toEqual(['4', '8', '12']);
    expect(f.fields.value[1]).toMatchObject({ min: 0, max: 2147483647, step: 1 });
  });

  it('starts from the defaults and shows fixed fields disabled', () => {
    const { f } = form(video);
    expect(f.values.value).toEqual({ duration: '8', seed: null, generate_audio: true, resolution: '720p', negative_prompt: null });
    expect(f.fields.value.filter((x) => x.disabled).map((x) => x.name)).toEqual(['resolution']);
  });

  it('sends only what is set, with fixed values forced', () => {
    const { f } = form(video);
    f.values.value.resolution = '1080p';
    f.values.value.generate_audio = false;
    f.values.value.seed = 42;
    expect(f.config()).toEqual({ duration: '8', seed: 42, generate_audio: false, resolution: '720p' });
  });

  it('names the field and the limit when a number is out of range', () => {
    const { f } = form(video);
    f.prompt.value = 'a cat';
    f.values.value.seed = -1;
    expect(f.errors.value).toEqual({ seed: 'Seed must be at least 0' });
    f.values.value.seed = 2147483648;
    expect(f.errors.value.seed).toBe('Seed must be at most 2147483647');
    f.values.value.seed = 1.5;
    expect(f.errors.value.seed).toBe('Seed must be a whole number');
    f.values.value.seed = 7;
    expect(f.isValid.value).toBe(true);
  });

  it('refuses an option the model does not list', () => {
    const { f } = form(video);
    f.values.value.duration = '30';
    expect(f.errors.value.duration).toBe('Duration must be one of 4, 8, 12');
  });

  it('asks for a prompt, a required value and a start image when the model needs one', () => {
    const { f } = form(img2vid);
    expect(f.needsImage.value).toBe(true);
    expect(f.errors.value).toEqual({ prompt: 'Write a prompt', parent_asset_id: 'Pick an image to start from', strength: 'Strength is required' });
    f.prompt.value = ' drift ';
    f.parentAssetId.value = 'img-1';
    f.values.value.strength = 0.5;
    f.count.value = 3;
    expect(f.request()).toEqual({ prompt: 'drift', ai_model_id: 'i2v', parent_asset_id: 'img-1', generation_config: { strength: 0.5 }, count: 3 });
  });

  it('allows 1 to 8 at once', () => {
    const { f } = form(video);
    f.prompt.value = 'x';
    f.count.value = 9;
    expect(f.errors.value.count).toBe('Count must be between 1 and 8');
    f.count.value = 8;
    expect(f.isValid.value).toBe(true);
  });

  it("switching model resets to the new model's defaults and drops the start image", async () => {
    const { f, m } = form(img2vid);
    f.parentAssetId.value = 'img-1';
    m.value = video;
    await nextTick();
    expect(f.values.value.duration).toBe('8');
    expect(f.values.value).not.toHaveProperty('strength');
    expect(f.parentAssetId.value).toBeNull();
    expect(f.request().parent_asset_id).toBeUndefined();
  });
});

describe('a parameter that depends on another (only_when)', () => {
  const vidu = makeModel({
    id: 'vidu',
    parameters_schema: {
      duration: { type: 'select', label: 'Duration', options: [4, 8], default: 4 },
      bgm: { type: 'boolean', label: 'Background music', default: false, only_when: { duration: 4 } },
    },
  });

  it('is offered while its condition holds, and greyed out with the reason otherwise', async () => {
    const { f } = form(vidu);
    expect(f.fields.value[1]).toMatchObject({ name: 'bgm', disabled: false });
    f.values.value.bgm = true;
    expect(f.request().generation_config).toMatchObject({ duration: 4, bgm: true });

    f.values.value.duration = '8';
    await nextTick();
    expect(f.fields.value[1]).toMatchObject({ disabled: true, description: 'Only available when Duration is 4' });
    // not sent: the server keeps the default rather than refusing the request
    expect(f.request().generation_config).not.toHaveProperty('bgm');
  });
});
