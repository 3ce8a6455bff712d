export interface FakeRequest { method: string; url: URL; headers: Record<string, string>; body: unknown }
export type FakeReply = { status: number; body?: unknown; text?: string; statusText?: string };
type Handler = (req: FakeRequest) => FakeReply;

/**
 * A fetch that knows only the routes it is given ("GET /api/boxes"); any other request
 * rejects, so a test cannot pass while the client calls the wrong path.
 */
export function createHttpFake(routes: Record<string, Handler>) {
  const calls: FakeRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), 'http://genbox.test');
    const method = (init.method ?? 'GET').toUpperCase();
    const handler = routes[`${method} ${url.pathname}`];
    if (!handler) throw new Error(`http fake: no route for ${method} ${url.pathname}`);
    const req: FakeRequest = { method, url, headers: { ...(init.headers as Record<string, string>) }, body: init.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(req);
    const reply = handler(req);
    const text = reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    return new Response(reply.status === 204 ? null : text, { status: reply.status, statusText: reply.statusText ?? '' });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}
