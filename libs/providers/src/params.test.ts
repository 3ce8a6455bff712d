import type { ParametersSchema } from '@genbox/contracts';
import { describe, expect, it } from 'vitest';
import { checkParametersSchema, conditionHolds, validateParameters } from './params.js';

const schema: ParametersSchema = {
  duration: { type: 'select', label: 'Duration', options: ['4', '8', '12'], default: '8' },
  frames: { type: 'select', options: [24, 48] },
  seed: { type: 'number', label: 'Seed', min: 0, max: 2147483647, integer: true },
  guidance: { type: 'number', min: 0, max: 10, default: 3.5 },
  generate_audio: { type: 'boolean', label: 'Sound', default: true },
  resolution: { type: 'select', options: ['720p'], default: '720p', fixed: true },
  negative_prompt: { type: 'text' },
  style: { type: 'text', required: true },
};

describe('validateParameters', () => {
  it.each<[string, Record<string, unknown> | undefined, Record<string, unknown>]>([
    ['defaults fill omitted keys', { style: 'noir' }, { duration: '8', guidance: 3.5, generate_audio: true, resolution: '720p', style: 'noir' }],
    ['form strings become numbers and booleans', { style: 'x', seed: '42', guidance: '7.5', generate_audio: 'false' }, { seed: 42, guidance: 7.5, generate_audio: false }],
    ['a select matches its option by string form and keeps the option type', { style: 'x', frames: '48', duration: 12 }, { frames: 48, duration: '12' }],
    ['fixed values are forced, whatever was sent', { style: 'x', resolution: '1080p' }, { resolution: '720p' }],
    ['null counts as omitted', { style: 'x', seed: null, duration: null }, { duration: '8' }],
    ['limits are inclusive', { style: 'x', seed: 0, guidance: 10 }, { seed: 0, guidance: 10 }],
  ])('%s', (_name, input, expected) => {
    const result = validateParameters(schema, input);
    expect(result).toMatchObject({ ok: true, params: expected });
  });

  it.each<[string, Record<string, unknown> | undefined, string, RegExp]>([
    ['unknown keys are refused', { style: 'x', sed: 1 }, 'sed', /sed is not a parameter of this model/],
    ['an option not listed', { style: 'x', duration: '5' }, 'duration', /duration must be one of "4", "8", "12"/],
    ['a number below min', { style: 'x', seed: -1 }, 'seed', /seed must be at least 0/],
    ['a number above max', { style: 'x', guidance: 11 }, 'guidance', /guidance must be at most 10/],
    ['a fraction for an integer', { style: 'x', seed: 1.5 }, 'seed', /seed must be a whole number/],
    ['not a number', { style: 'x', seed: 'abc' }, 'seed', /seed must be a number/],
    ['not a boolean', { style: 'x', generate_audio: 'yes' }, 'generate_audio', /true or false/],
    ['text that is not text', { style: 'x', negative_prompt: 5 }, 'negative_prompt', /must be text/],
    ['a required field missing', {}, 'style', /style is required/],
    ['a required field blank', { style: '  ' }, 'style', /style is required/],
    ['nothing at all', undefined, 'style', /style is required/],
  ])('%s', (_name, input, field, message) => {
    const result = validateParameters(schema, input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContainEqual({ field, message: expect.stringMatching(message) });
  });

  it('reports every bad field at once', () => {
    const result = validateParameters(schema, { seed: -5, duration: '1', bogus: true });
    expect(result.ok === false && result.errors.map((e) => e.field).sort()).toEqual(['bogus', 'duration', 'seed', 'style']);
  });
});

describe('checkParametersSchema', () => {
  it.each<[string, unknown, RegExp | null]>([
    ['a sound schema', schema, null],
    ['not an object', [], /must be an object/],
    ['an unknown type', { a: { type: 'color' } }, /a: type must be/],
    ['a select without options', { a: { type: 'select' } }, /needs options/],
    ['a fixed field without default', { a: { type: 'number', fixed: true } }, /needs a default/],
    ['min above max', { a: { type: 'number', min: 5, max: 1 } }, /min is greater than max/],
    ['a default outside the options', { a: { type: 'select', options: ['1'], default: '2' } }, /default does not pass/],
    ['a fixed default outside the options', { a: { type: 'select', options: ['1'], default: '2', fixed: true } }, /fixed default is not one of the options/],
  ])('%s', (_name, candidate, problem) => {
    const errors = checkParametersSchema(candidate);
    if (problem) expect(errors.map((e) => e.message).join('\n')).toMatch(problem);
    else expect(errors).toEqual([]);
  });
});

describe('parameters that depend on another (only_when)', () => {
  // Vidu 1.5: background music only on 4-second clips
  const schema: ParametersSchema = {
    duration: { type: 'select', options: [4, 8], default: 4 },
    bgm: { type: 'boolean', default: false, only_when: { duration: 4 } },
  };

  it.each([
    [{ duration: 4, bgm: true }, true],
    [{ duration: 8 }, true],
    [{ duration: 8, bgm: false }, true],
    [{ bgm: 'true' }, true],
    [{ duration: '8', bgm: true }, false],
  ] as const)('%j is accepted: %s', (input, ok) => {
    const r = validateParameters(schema, input);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.errors).toEqual([{ field: 'bgm', message: 'bgm is only available when duration is 4' }]);
  });

  it('the form knows when the field applies', () => {
    expect(conditionHolds(schema.bgm!, { duration: '4' })).toBe(true);
    expect(conditionHolds(schema.bgm!, { duration: 8 })).toBe(false);
    expect(conditionHolds(schema.duration!, {})).toBe(true);
  });

  it('a schema whose condition names no other parameter, or has no default to fall back to, is refused', () => {
    expect(checkParametersSchema({ bgm: { type: 'boolean', default: false, only_when: { length: 4 } } })).toHaveLength(1);
    expect(checkParametersSchema({ d: { type: 'number' }, bgm: { type: 'boolean', only_when: { d: 4 } } })).toHaveLength(1);
  });
});
