import { PROVIDER_KINDS } from '@genbox/contracts';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from './catalog.js';
import { checkParametersSchema, validateParameters } from './params.js';
import { parseMapping } from './template/mapping.js';

const catalog = loadCatalog();

describe('the catalog', () => {
  it('has the promised models', () => {
    const names = catalog.models.map((m) => m.name);
    for (const expected of ['Seedance 1.5 Pro', 'Veo 3.1 Fast', 'Flux Schnell', 'Veo 2.0', 'Veo 3.0', 'Vidu Q1', 'Vidu 2.0', 'Vidu 1.5', 'Stable Diffusion 3.5 Large', 'Stable Image Core', 'GPT Image 1']) {
      expect(names).toContain(expected);
    }
    expect(catalog.models.some((m) => m.provider === 'fal')).toBe(true);
  });

  it('every provider has a known kind and a unique key', () => {
    expect(new Set(catalog.providers.map((p) => p.key)).size).toBe(catalog.providers.length);
    for (const p of catalog.providers) expect(PROVIDER_KINDS).toContain(p.kind);
  });

  it.each(catalog.models.map((m) => [m.slug, m] as const))('%s is a sound row whose defaults pass validation', (_slug, model) => {
    expect(catalog.providers.map((p) => p.key)).toContain(model.provider);
    expect(checkParametersSchema(model.parameters_schema)).toEqual([]);
    const result = validateParameters(model.parameters_schema, {});
    expect(result.ok).toBe(true);
    expect(model.cost).toBeGreaterThan(0);
    const kind = catalog.providers.find((p) => p.key === model.provider)!.kind;
    if (kind === 'template') expect(() => parseMapping(model.response_mapping)).not.toThrow();
  });

  it('has at least 40 models across the six providers, each naming the page it was checked against', () => {
    const native = catalog.models.filter((m) => !m.provider.endsWith('-template'));
    expect(native.length).toBeGreaterThanOrEqual(40);
    expect(new Set(native.map((m) => m.provider))).toEqual(new Set(['kie', 'replicate', 'runware', 'stability', 'openai', 'fal']));
    for (const m of catalog.models) {
      expect(m.source, m.slug).toMatch(/\S{10,}/);
      expect(m.inputs.length, m.slug).toBeGreaterThan(0);
      expect(m.price, m.slug).toBeTruthy();
      if (m.price === 'unverified') expect(m.unverified, m.slug).toContain('price');
    }
  });

  it('offers the models teams came with', () => {
    const byName = (re: RegExp) => catalog.models.filter((m) => re.test(m.name)).map((m) => m.provider);
    expect(byName(/^Veo 2/)).toContain('runware');
    expect(byName(/^Veo 3\.0/)).toContain('runware');
    expect(byName(/^Veo 3\.1 Fast/).length).toBeGreaterThanOrEqual(2);
    expect(byName(/^Kling 2\.5 Turbo|KlingAI 2\.5 Turbo/).length).toBeGreaterThanOrEqual(3);
    expect(byName(/^Sora 2/).length).toBeGreaterThanOrEqual(2);
    for (const image of [/FLUX|Flux/, /Kontext/, /Imagen/, /Seedream/, /Ideogram/, /GPT Image/, /Nano Banana/]) expect(byName(image).length).toBeGreaterThan(0);
    const veo3 = catalog.models.find((m) => m.slug === 'runware-veo-3-0')!;
    expect(Object.keys(veo3.parameters_schema)).toEqual(expect.arrayContaining(['enhance_prompt', 'generate_audio']));
    const v15 = catalog.models.find((m) => m.slug === 'runware-vidu-1-5')!;
    expect(Object.keys(v15.parameters_schema)).toEqual(expect.arrayContaining(['movement_amplitude', 'style', 'bgm']));
    for (const slug of ['kie-veo-3-1-fast', 'replicate-veo-3-1-fast', 'replicate-veo-3-1']) expect(catalog.models.find((m) => m.slug === slug)!.inputs).toEqual(expect.arrayContaining(['first_frame', 'last_frame']));
  });

  it('slugs are unique', () => expect(new Set(catalog.models.map((m) => m.slug)).size).toBe(catalog.models.length));

  it('Veo 3.0 is forced to 8 s at 1280x720 whatever a form sends', () => {
    const veo3 = catalog.models.find((m) => m.slug === 'runware-veo-3-0')!;
    expect(validateParameters(veo3.parameters_schema, { duration: 4, width: 640 })).toMatchObject({ ok: true, params: { duration: 8, width: 1280, height: 720 } });
  });

  it('Vidu Q1 is forced to 5 s at 1920x1080', () => {
    const q1 = catalog.models.find((m) => m.slug === 'runware-vidu-q1')!;
    expect(validateParameters(q1.parameters_schema, { duration: 8, width: 1280, height: 720 })).toMatchObject({ ok: true, params: { duration: 5, width: 1920, height: 1080 } });
  });

  it('Vidu 1.5 adds background music only to 4-second clips', () => {
    const v15 = catalog.models.find((m) => m.slug === 'runware-vidu-1-5')!;
    expect(validateParameters(v15.parameters_schema, { duration: 4, bgm: true })).toMatchObject({ ok: true, params: { duration: 4, bgm: true } });
    const refused = validateParameters(v15.parameters_schema, { duration: 8, bgm: true });
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused)).toMatch(/bgm/);
    expect(validateParameters(v15.parameters_schema, { duration: 8 })).toMatchObject({ ok: true, params: { duration: 8, bgm: false } });
  });
});
