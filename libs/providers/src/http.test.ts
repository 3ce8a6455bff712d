import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, testContext, type SimServer } from '../../../test/simulators/shared/index.js';
import { classifyHttpStatus, parseRetryAfter, request, requestJson } from './http.js';

describe('classifyHttpStatus: one table for every provider', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    [401, '{"code":401,"msg":"You do not have access permissions"}', 'provider_auth', false, /Kie\.ai rejected the API key \(401\).*check the key in Providers/],
    [403, '{"detail":"forbidden"}', 'provider_auth', false, /rejected the API key \(403\)/],
    [403, '{"name":"content_moderation","errors":["flagged"]}', 'provider_content_filtered', false, /refused the content/],
    [402, '{"msg":"Insufficient Credits"}', 'provider_insufficient_credits', false, /top up the Kie\.ai account/],
    [400, '{"error":"insufficient balance"}', 'provider_insufficient_credits', false, /insufficient credits/],
    [404, '{"msg":"Task not found"}', 'provider_not_found', false, /"Task not found"/],
    [422, '{"detail":"input.width: must be <= 1440"}', 'provider_invalid_params', false, /refused the parameters \(422\): "input.width/],
    [400, '{"title":"Invalid version"}', 'provider_bad_request', false, /"Invalid version"/],
    [500, 'Internal Server Error', 'provider_unavailable', true, /server error \(500\)/],
    [503, '<html>busy</html>', 'provider_unavailable', true, /server error \(503\); Genbox will try again/],
    [455, '{"code":455,"msg":"maintenance"}', 'provider_unavailable', true, /maintenance/],
    [504, '', 'provider_timeout', true, /timed out/],
  ])('%i %s → %s', (status, body, code, retry, message) => {
    const err = classifyHttpStatus('Kie.ai', status, body, {}, now);
    expect(err.code).toBe(code);
    expect(err.retry !== false).toBe(retry);
    expect(err.message).toMatch(message);
  });

  it('a 429 keeps Retry-After as seconds or as an HTTP date', () => {
    const secs = classifyHttpStatus('Replicate', 429, '{"detail":"Request was throttled."}', { 'retry-after': '7' }, now);
    expect(secs.code).toBe('provider_rate_limited');
    expect(secs.retry).toEqual({ afterMs: 7000 });
    expect(secs.message).toMatch(/Replicate is rate limiting.*retry in 7 s/);
    const date = classifyHttpStatus('Replicate', 429, '', new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now);
    expect(date.retry).toEqual({ afterMs: 30_000 });
  });

  it.each([
    ['12', 12_000],
    ['0.5', 500],
    ['not a date', undefined],
    [null, undefined],
  ])('parseRetryAfter(%s) = %s', (value, ms) => expect(parseRetryAfter(value, 0)).toBe(ms));
});

describe('request against a real HTTP server', () => {
  let sim: SimServer;
  beforeAll(async () => {
    sim = await startSimServer((req) => {
      if (req.path === '/slow') return { status: 200, body: { ok: true }, delayMs: 2_000 };
      if (req.path === '/garbage') return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"code":200,' };
      if (req.path === '/echo-key') return { status: 401, body: { msg: `bad key ${req.headers.authorization}` } };
      if (req.path === '/drop') return { status: 200, drop: true };
      return { status: 200, body: { got: req.json ?? null, method: req.method } };
    });
  });
  afterAll(() => sim.close());

  it('sends JSON and reads JSON', async () => {
    const answer = await requestJson<{ got: unknown; method: string }>(testContext(), { provider: 'Sim', url: `${sim.url}/ok`, body: { a: 1 } });
    expect(answer.body).toEqual({ got: { a: 1 }, method: 'POST' });
  });

  it('an unreadable body is provider_bad_response, not a crash', async () => {
    await expect(requestJson(testContext(), { provider: 'Sim', url: `${sim.url}/garbage` })).rejects.toMatchObject({ code: 'provider_bad_response', message: expect.stringMatching(/Sim sent an answer Genbox cannot read/) });
  });

  it('a slow answer becomes a retryable timeout', async () => {
    await expect(request(testContext(), { provider: 'Sim', url: `${sim.url}/slow`, timeoutMs: 100 })).rejects.toMatchObject({ code: 'provider_timeout', retry: {} });
  });

  it('a dropped connection and a closed port are retryable network errors', async () => {
    await expect(request(testContext(), { provider: 'Sim', url: `${sim.url}/drop` })).rejects.toMatchObject({ code: 'provider_network', retry: {} });
    await expect(request(testContext(), { provider: 'Sim', url: 'http://127.0.0.1:1/x' })).rejects.toMatchObject({ code: 'provider_network', message: expect.stringMatching(/Could not reach Sim at 127\.0\.0\.1:1/) });
  });

  it('the API key never reaches a message, even when the provider echoes it', async () => {
    const key = 'sk-very-secret-123';
    const err = await request(testContext(), { provider: 'Sim', url: `${sim.url}/echo-key`, headers: { authorization: `Bearer ${key}` }, secrets: [key] }).catch((e) => e);
    expect(err.code).toBe('provider_auth');
    expect(err.message).not.toContain(key);
  });

  it('a cancel from our side surfaces as the abort, not as a provider failure', async () => {
    const ac = new AbortController();
    const p = request(testContext({ signal: ac.signal }), { provider: 'Sim', url: `${sim.url}/slow` });
    ac.abort(new Error('canceled by user'));
    await expect(p).rejects.toThrow('canceled by user');
  });
});
