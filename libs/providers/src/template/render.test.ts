import { describe, expect, it } from 'vitest';
import { interpolate, placeholdersOf, renderTemplate } from './render.js';
import { readPath, readStrings } from './json-path.js';

const vars = { prompt: 'a red fox', duration: 8, audio: true, image_url: 'https://x/y.png', tags: ['a', 'b'], size: { w: 1, h: 2 }, empty: '' };

describe('renderTemplate', () => {
  it.each<[string, unknown, unknown]>([
    ['a whole-string placeholder keeps a number', { d: '{{duration}}' }, { d: 8 }],
    ['a whole-string placeholder keeps a boolean', { a: '{{ audio }}' }, { a: true }],
    ['a whole-string placeholder keeps an array and an object', { t: '{{tags}}', s: '{{size}}' }, { t: ['a', 'b'], s: { w: 1, h: 2 } }],
    ['["{{image_url}}"] stays an array', { images: ['{{image_url}}'] }, { images: ['https://x/y.png'] }],
    ['inside a longer string it interpolates', { p: 'Prompt: {{prompt}}, {{duration}}s' }, { p: 'Prompt: a red fox, 8s' }],
    ['nested objects and arrays are walked', { input: { list: [{ u: '{{image_url}}', n: 1 }] } }, { input: { list: [{ u: 'https://x/y.png', n: 1 }] } }],
    ['an optional placeholder with no value drops its key', { seed: '{{seed}}', p: '{{prompt}}' }, { p: 'a red fox' }],
    ['an empty string counts as no value', { e: '{{empty}}' }, {}],
    ['a nested object left empty by missing values is dropped with its key', { a: 1, providerSettings: { vidu: { bgm: '{{empty}}' } } }, { a: 1 }],
    ['a missing array element is dropped', { images: ['{{image_url}}', '{{mask_url}}'] }, { images: ['https://x/y.png'] }],
    ['a missing placeholder inside text becomes empty', { p: '{{prompt}}{{suffix}}' }, { p: 'a red fox' }],
    ['literals pass through', { n: 1, b: false, z: null, s: 'plain' }, { n: 1, b: false, z: null, s: 'plain' }],
  ])('%s', (_name, template, expected) => expect(renderTemplate(template, vars)).toEqual(expected));

  it.each([
    [{ image_urls: ['{{image_url!}}'] }, /needs "image_url" \(at \$\.image_urls\[0\]\)/],
    [{ seed: '{{seed!}}' }, /needs "seed"/],
    [{ p: 'x {{negative!}}' }, /needs "negative"/],
  ])('a required placeholder with no value is a clear template error (%j)', (template, message) => {
    expect(() => renderTemplate(template, { prompt: 'x' })).toThrow(expect.objectContaining({ code: 'template_invalid', message: expect.stringMatching(message) }));
  });

  it('interpolate can URI-encode for URLs', () => expect(interpolate('/v1/get?id={{task_id}}', { task_id: 'a b/c' }, true)).toBe('/v1/get?id=a%20b%2Fc'));
  it('lists placeholders', () => expect(placeholdersOf({ a: '{{x}}', b: ['{{y!}} {{z}}'] }).sort()).toEqual(['x', 'y', 'z']));
});

describe('readPath', () => {
  const kie = { code: 200, data: { taskId: 't1', state: 'success', resultJson: '{"resultUrls":["https://r/1.mp4","https://r/2.mp4"]}', failMsg: '' } };
  it.each<[string, unknown, string, unknown]>([
    ['nested keys', kie, 'data.taskId', 't1'],
    ['a field that holds JSON as text', kie, 'data.resultJson.resultUrls', ['https://r/1.mp4', 'https://r/2.mp4']],
    ['an index with dots', { output: ['u0', 'u1'] }, 'output.1', 'u1'],
    ['an index with brackets', { data: [{ imageURL: 'u' }] }, 'data[0].imageURL', 'u'],
    ['a wildcard over an array', { data: [{ b: 'x' }, { b: 'y' }, {}] }, 'data[*].b', ['x', 'y']],
    ['a missing path', kie, 'data.nope.deeper', undefined],
    ['an empty JSON string', { data: { resultJson: '' } }, 'data.resultJson.resultUrls', undefined],
  ])('%s', (_name, root, path, expected) => expect(readPath(root, path)).toEqual(expected));

  it('readStrings accepts one URL or many', () => {
    expect(readStrings({ output: 'https://a' }, 'output')).toEqual(['https://a']);
    expect(readStrings({ output: ['https://a', null, ''] }, 'output')).toEqual(['https://a']);
    expect(readStrings({}, 'output')).toEqual([]);
  });
});
