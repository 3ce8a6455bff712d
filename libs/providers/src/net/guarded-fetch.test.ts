import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockedAddressReason } from './address-guard.js';
import { guardedFetch } from './guarded-fetch.js';
import { BlockedAddressError, type NetworkPolicy } from './policy.js';

/** A server that counts every request that reaches it. */
function counting(host: string, answer: (url: string) => { status: number; headers?: Record<string, string>; body?: string }) {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const a = answer(req.url ?? '');
    res.writeHead(a.status, a.headers).end(a.body ?? 'ok');
  });
  return { hits, server, listen: () => new Promise<string>((r) => server.listen(0, host, () => r(`http://${host}:${(server.address() as AddressInfo).port}`))) };
}

const refusal = async (p: Promise<unknown>) => {
  const err = (await p.then(() => null, (e: unknown) => e)) as { cause?: unknown } | null;
  expect(err, 'the request should have been refused').not.toBeNull();
  expect(err!.cause).toBeInstanceOf(BlockedAddressError);
  return err!.cause as BlockedAddressError;
};

describe('the guarded fetch every outgoing request goes through', () => {
  const inside = counting('127.0.0.2', () => ({ status: 200, body: 'metadata secrets' }));
  const outside = counting('127.0.0.1', (url) => (url === '/hop' ? { status: 302, headers: { location: `${insideUrl}/latest/meta-data` } } : { status: 200, body: 'public' }));
  let insideUrl = '';
  let outsideUrl = '';
  /** 127.0.0.1 stands for the public internet here; 127.0.0.2 for an internal host. */
  const loopbackOneIsPublic: NetworkPolicy = { allowHttp: true, blockedReason: (ip) => (ip === '127.0.0.1' ? null : blockedAddressReason(ip)) };

  beforeAll(async () => {
    insideUrl = await inside.listen();
    outsideUrl = await outside.listen();
  });
  afterAll(() => Promise.all([inside.server, outside.server].map((s: Server) => new Promise((r) => s.close(r)))));

  it('refuses a loopback address, by literal or by name, and the target hears nothing', async () => {
    const hitsBefore = inside.hits.length;
    expect((await refusal(guardedFetch(false)(`${insideUrl}/x`))).reason).toBeTruthy();
    const port = new URL(insideUrl).port;
    await refusal(guardedFetch(false)(`https://localhost:${port}/x`));
    await refusal(guardedFetch(false)('https://169.254.169.254/latest/meta-data/'));
    expect(inside.hits.length).toBe(hitsBefore);
  });

  it('refuses plain http to any host unless the private network is allowed', async () => {
    const blocked = await refusal(guardedFetch(false)('http://example.com/'));
    expect(blocked.message).toMatch(/http/);
  });

  it('checks every redirect hop: a public answer cannot send the request inside', async () => {
    const hitsBefore = inside.hits.length;
    await refusal(guardedFetch(loopbackOneIsPublic)(`${outsideUrl}/hop`));
    expect(inside.hits.length).toBe(hitsBefore);
    expect(await (await guardedFetch(loopbackOneIsPublic)(`${outsideUrl}/plain`)).text()).toBe('public');
  });

  it('with allow_private_network, private addresses and plain http are reached', async () => {
    const res = await guardedFetch(true)(`${insideUrl}/sim`);
    expect(await res.text()).toBe('metadata secrets');
  });
});
