import { describe, expect, it } from 'vitest';
import { checkEnvelope, parseMapping, readPollResult } from './mapping.js';

const kieMapping = parseMapping({
  mode: 'async',
  envelope: { code_path: 'code', ok: [200] },
  task_id: 'data.taskId',
  poll: { url: '/api/v1/jobs/recordInfo?taskId={{task_id}}' },
  state: 'data.state',
  states: { success: 'COMPLETED', fail: 'FAILED' },
  result_urls: 'data.resultJson.resultUrls',
  progress: 'data.progress',
  error: 'data.failMsg',
  error_code: 'data.failCode',
});
const record = (data: object) => ({ code: 200, msg: 'success', data });

describe('readPollResult with a Kie-style mapping', () => {
  it.each<[string, object, object]>([
    ['waiting is still processing', record({ state: 'waiting' }), { status: 'PROCESSING', providerState: 'waiting' }],
    ['progress is read and clamped', record({ state: 'generating', progress: 140 }), { status: 'PROCESSING', progress: 100 }],
    ['success gives the result URLs', record({ state: 'success', resultJson: '{"resultUrls":["https://r/1.mp4"]}' }), { status: 'COMPLETED', outputs: [{ url: 'https://r/1.mp4' }] }],
    ['fail keeps the provider reason and code', record({ state: 'fail', resultJson: '', failCode: '500', failMsg: 'Internal server error' }),
      { status: 'FAILED', error: { code: 'provider_task_failed', message: expect.stringMatching(/could not generate this: "Internal server error" \(code 500\)/) } }],
    ['a prohibited-content failure is content filtered', record({ state: 'fail', failCode: '422', failMsg: 'Invalid prompt: prompt contains prohibited content' }),
      { status: 'FAILED', error: { code: 'provider_content_filtered', message: expect.stringMatching(/prohibited content/) } }],
    ['success without a result is not a silent completion', record({ state: 'success', resultJson: '' }), { status: 'FAILED', error: { code: 'provider_bad_response' } }],
  ])('%s', (_name, body, expected) => expect(readPollResult('Kie.ai', body, kieMapping)).toMatchObject(expected));

  it('a body code other than 200 is classified like an HTTP status', () => {
    expect(() => checkEnvelope('Kie.ai', { code: 402, msg: 'Insufficient Credits' }, kieMapping)).toThrow(expect.objectContaining({ code: 'provider_insufficient_credits' }));
    expect(() => checkEnvelope('Kie.ai', { code: 429, msg: 'Rate limited' }, kieMapping)).toThrow(expect.objectContaining({ code: 'provider_rate_limited' }));
    expect(() => checkEnvelope('Kie.ai', { code: 200 }, kieMapping)).not.toThrow();
  });
});

describe('sync mappings', () => {
  it('an OpenAI-style answer yields inline bytes', () => {
    const m = parseMapping({ mode: 'sync', result_b64: 'data[*].b64_json', result_mime: 'image/png' });
    const r = readPollResult('OpenAI', { data: [{ b64_json: Buffer.from('png!').toString('base64') }] }, m);
    expect(r.status).toBe('COMPLETED');
    expect(r.outputs).toEqual([{ bytes: Buffer.from('png!'), mimeType: 'image/png' }]);
  });
  it('a state mapped to CONTENT_FILTERED fails as filtered', () => {
    const m = parseMapping({ mode: 'sync', state: 'finish_reason', states: { SUCCESS: 'COMPLETED', CONTENT_FILTERED: 'CONTENT_FILTERED' }, result_b64: 'image' });
    expect(readPollResult('Stability AI', { finish_reason: 'CONTENT_FILTERED', image: 'AAAA' }, m)).toMatchObject({ status: 'FAILED', error: { code: 'provider_content_filtered' } });
  });
});

describe('parseMapping refuses what cannot work', () => {
  it.each([
    [null, /must be a JSON object/],
    [{ mode: 'later' }, /mode must be/],
    [{ mode: 'async', task_id: 'id' }, /needs task_id and poll\.url/],
    [{ mode: 'sync', states: { ok: 'DONE' } }, /states\.ok must be one of/],
    [{ mode: 'sync', body: 'xml' }, /body must be/],
  ])('%j', (raw, message) => expect(() => parseMapping(raw)).toThrow(expect.objectContaining({ code: 'template_invalid', message: expect.stringMatching(message) })));

  it.each([
    [undefined, { header: 'authorization', prefix: 'Bearer ' }],
    ['key', { header: 'authorization', prefix: 'Key ' }],
    [{ header: 'X-API-Key' }, { header: 'x-api-key', prefix: '' }],
    ['none', null],
  ])('auth %j', (auth, expected) => expect(parseMapping({ mode: 'sync', auth }).auth).toEqual(expected));
});
