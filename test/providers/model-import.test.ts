import { importModelByName, validateParameters, checkParametersSchema } from '@genbox/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFalSimulator, type FalSimulator } from '../simulators/fal.sim.js';
import { startReplicateSim, type ReplicateSim } from '../simulators/replicate.sim.js';
import { versionOf } from '../simulators/replicate/models.js';
import { testContext } from '../simulators/shared/index.js';
import { providerRow } from './native.fixtures.js';

const ctx = testContext();
let replicate: ReplicateSim;
let fal: FalSimulator;
beforeAll(async () => {
  replicate = await startReplicateSim();
  fal = await startFalSimulator();
});
afterAll(async () => {
  await replicate.close();
  await fal.close();
});
const rp = () => providerRow('replicate', `${replicate.url}/v1`, replicate.apiKey);
const fp = () => providerRow('fal', fal.url, fal.apiKey);

describe('import a model by name from its published schema', () => {
  it("Replicate: the latest version's openapi_schema becomes selects, bounds, defaults and help text; image is the first frame", async () => {
    const m = await importModelByName(rp(), 'google/veo-3.1-fast', ctx);
    expect(m).toMatchObject({ name: 'Veo 3.1 Fast', model_type: 'VIDEO', input_type: 'TEXT', api_endpoint: 'google/veo-3.1-fast', request_schema: { image: '{{image_url}}' } });
    expect(m.parameters_schema.duration).toMatchObject({ type: 'select', options: [4, 6, 8], default: 8, description: 'Video duration in seconds' });
    expect(m.parameters_schema.generate_audio).toMatchObject({ type: 'boolean', default: true });
    expect(m.parameters_schema.last_frame).toMatchObject({ type: 'text', label: 'Last Frame (image URL)' });
    expect(m.parameters_schema).not.toHaveProperty('prompt');
    expect(m.parameters_schema).not.toHaveProperty('image');
    expect(checkParametersSchema(m.parameters_schema)).toEqual([]);
    expect(validateParameters(m.parameters_schema, {}).ok).toBe(true);
    expect(m.source).toContain('/v1/models/google/veo-3.1-fast');
  });

  it('Replicate: a pinned version is read from /versions/{id}, and min/max become bounds', async () => {
    const m = await importModelByName(rp(), `black-forest-labs/flux-schnell:${versionOf('black-forest-labs/flux-schnell')}`, ctx);
    expect(m).toMatchObject({ model_type: 'IMAGE', input_type: 'TEXT', request_schema: null });
    expect(m.parameters_schema.num_outputs).toMatchObject({ type: 'number', min: 1, max: 4, integer: true, default: 1 });
    expect(m.parameters_schema.output_format).toMatchObject({ type: 'select', options: ['webp', 'jpg', 'png'], default: 'webp' });
  });

  it("fal: the endpoint's OpenAPI gives the fields; a required image makes an image-to-video model and a tail image a URL field", async () => {
    const m = await importModelByName(fp(), 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video', ctx);
    expect(m).toMatchObject({ model_type: 'VIDEO', input_type: 'IMAGE', request_schema: { image_url: '{{image_url}}' } });
    expect(m.parameters_schema.duration).toMatchObject({ type: 'select', options: ['5', '10'], default: '5' });
    expect(m.parameters_schema.cfg_scale).toMatchObject({ type: 'number', min: 0, max: 1, default: 0.5 });
    expect(m.parameters_schema.tail_image_url).toMatchObject({ type: 'text', label: 'Tail Image Url (image URL)' });
    expect(validateParameters(m.parameters_schema, {}).ok).toBe(true);
  });

  it("fal: image_size's presets (anyOf with a custom-size object) become a select", async () => {
    const m = await importModelByName(fp(), 'fal-ai/flux/dev', ctx);
    expect(m.parameters_schema.image_size).toMatchObject({ type: 'select', options: expect.arrayContaining(['square_hd', 'landscape_16_9']), default: 'landscape_4_3' });
    expect(m.parameters_schema.num_inference_steps).toMatchObject({ type: 'number', min: 1, max: 50, default: 28 });
  });

  it('an unknown name is a clear not-found, and a malformed one never leaves Genbox', async () => {
    await expect(importModelByName(rp(), 'nobody/nothing', ctx)).rejects.toMatchObject({ code: 'provider_not_found' });
    await expect(importModelByName(fp(), 'fal-ai/nothing-here', ctx)).rejects.toMatchObject({ code: 'provider_not_found' });
    const before = replicate.server.log.length;
    await expect(importModelByName(rp(), 'not a name', ctx)).rejects.toMatchObject({ code: 'template_invalid' });
    expect(replicate.server.log.length).toBe(before);
  });
});
