// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeAsset } from '../test/fixtures';
import { createHttpFake } from '../test/httpFake';
import { ApiError, configureHttp, createBox, generate, listAssets, login, me } from './http';

function useFake(routes: Parameters<typeof createHttpFake>[0], token: string | null = 'tok-1') {
  const fake = createHttpFake(routes);
  const onUnauthorized = vi.fn();
  configureHttp({ fetch: fake.fetch, getToken: () => token, onUnauthorized });
  return { ...fake, onUnauthorized };
}

afterEach(() => configureHttp({ fetch: () => Promise.reject(new Error('no fetch configured')) }));

describe('http client', () => {
  it('sends the bearer token and the query, and returns the page', async () => {
    const asset = makeAsset();
    const fake = useFake({ 'GET /api/boxes/b%201/assets': () => ({ status: 200, body: { items: [asset], next_cursor: 'c2' } }) });
    const page = await listAssets('b 1', { status: 'COMPLETED', limit: 20 });
    expect(page).toEqual({ items: [asset], next_cursor: 'c2' });
    expect(fake.calls[0]!.headers.Authorization).toBe('Bearer tok-1');
    expect(fake.calls[0]!.url.searchParams.get('status')).toBe('COMPLETED');
    expect(fake.calls[0]!.url.searchParams.get('limit')).toBe('20');
    expect(fake.calls[0]!.url.searchParams.has('cursor')).toBe(false);
  });

  it("turns an error answer into an ApiError carrying the server's message", async () => {
    useFake({
      'POST /api/boxes/b1/generate': () => ({
        status: 422,
        body: { statusCode: 422, error: 'invalid_parameters', message: 'duration must be one of 4, 8, 12' },
      }),
    });
    const err = await generate('b1', { prompt: 'x', ai_model_id: 'm1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, code: 'invalid_parameters', message: 'duration must be one of 4, 8, 12' });
  });

  it('gives a readable message when a proxy answers with HTML', async () => {
    useFake({ 'POST /api/boxes': () => ({ status: 502, text: '<html>Bad gateway</html>', statusText: 'Bad Gateway' }) });
    const err = (await createBox('x').catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(502);
    expect(err.message).toBe('The server had a problem. Try again in a moment.');
  });

  it('a wrong password shows the server message and does not end a session', async () => {
    const fake = useFake({
      'POST /api/auth/login': () => ({ status: 401, body: { statusCode: 401, error: 'unauthorized', message: 'Email or password is wrong' } }),
    }, null);
    await expect(login({ email: 'a@b.c', password: 'nope' })).rejects.toThrow('Email or password is wrong');
    expect(fake.calls[0]!.headers.Authorization).toBeUndefined();
  });

  it('an expired token ends the session', async () => {
    const fake = useFake({ 'GET /api/auth/me': () => ({ status: 401, body: { statusCode: 401, error: 'unauthorized', message: 'Token expired' } }) });
    await expect(me()).rejects.toBeInstanceOf(ApiError);
    expect(fake.onUnauthorized).toHaveBeenCalledOnce();
  });

  it('several generations come back as a list either way', async () => {
    const one = makeAsset({ status: 'PENDING' });
    const two = makeAsset({ status: 'PENDING' });
    const fake = useFake({
      'POST /api/boxes/b1/generate': (req) => ({ status: 202, body: (req.body as { count?: number }).count ? { items: [one, two] } : one }),
    });
    expect(await generate('b1', { prompt: 'p', ai_model_id: 'm', count: 2 })).toEqual([one, two]);
    expect(await generate('b1', { prompt: 'p', ai_model_id: 'm' })).toEqual([one]);
    expect(fake.calls[0]!.body).toEqual({ prompt: 'p', ai_model_id: 'm', count: 2 });
  });

  it('an unreachable server is reported as such', async () => {
    configureHttp({ fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(me()).rejects.toMatchObject({ code: 'network', message: expect.stringContaining('Cannot reach the server') });
  });

  it('the fake refuses a path it does not know', async () => {
    useFake({ 'GET /api/boxes': () => ({ status: 200, body: { items: [] } }) });
    await expect(me()).rejects.toThrow('no route for GET /api/auth/me');
  });
});
