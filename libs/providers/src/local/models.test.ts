import { describe, expect, it } from 'vitest';
import { validateParameters } from '../params.js';
import { LOCAL_MODELS, LOCAL_PROVIDER } from './models.js';

describe('local seed models', () => {
  it('offers text-to-image, text-to-video and image-to-video, free of charge', () => {
    expect(LOCAL_PROVIDER).toMatchObject({ name: 'Local (built-in)', kind: 'local' });
    expect(LOCAL_MODELS.map((m) => [m.slug, m.model_type, m.input_type, m.cost])).toEqual([
      ['local-image', 'IMAGE', 'TEXT', 0],
      ['local-video', 'VIDEO', 'TEXT', 0],
      ['local-animate', 'VIDEO', 'IMAGE', 0],
    ]);
  });

  it.each(LOCAL_MODELS.map((m) => [m.slug, m] as const))('%s accepts an empty form and fills every default', (_slug, model) => {
    const checked = validateParameters(model.parameters_schema, {});
    expect(checked.ok).toBe(true);
    for (const [name, spec] of Object.entries(model.parameters_schema)) {
      if (spec.default !== undefined && checked.ok) expect(checked.params[name]).toBe(spec.default);
      if (spec.options && spec.default !== undefined) expect(spec.options).toContain(spec.default);
    }
  });
});
