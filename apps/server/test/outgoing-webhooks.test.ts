import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AssetDto, BoxDto, WebhookDeliveryDto, WebhookEndpointCreatedDto, WebhookEndpointDto, WebhookPayload } from '@genbox/contracts';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDeliveriesRepository } from '../src/outgoing-webhooks/webhook-deliveries.repository.js';
import { ADMIN, loginAdmin } from './faults/fault-kit.js';
import { type TestGenbox, type UserClient, startTestGenbox, until } from './harness.js';

/** A webhook receiver on 127.0.0.1 that records every request and answers the statuses it is told, then 200. */
class Receiver {
  readonly got: { headers: IncomingHttpHeaders; body: string; status: number }[] = [];
  /** Statuses for the next requests, in order; 200 once empty. */
  readonly answers: number[] = [];
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<Receiver> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const rx = new Receiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = rx.answers.shift() ?? 200;
        rx.got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
        res.writeHead(status).end();
      });
    });
    return rx;
  }

  /** Verifies each request with the standardwebhooks library (throws on a bad signature) and parses it. */
  verified(secret: string): (WebhookPayload<any> & { id: string })[] {
    const wh = new Webhook(secret);
    return this.got.map((g) => ({ ...(wh.verify(g.body, g.headers as Record<string, string>) as WebhookPayload<any>), id: String(g.headers['webhook-id']) }));
  }

  close() {
    return new Promise((r) => this.server.close(r));
  }
}

let gb: TestGenbox;
let admin: UserClient;
let model: string;
const receivers: Receiver[] = [];

beforeAll(async () => {
  gb = await startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password, WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_MAX_ATTEMPTS: '4' });
  admin = await loginAdmin(gb);
  model = (await admin.model('local-image')).id;
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await gb?.stop();
});

async function receiver(): Promise<Receiver> {
  const r = await Receiver.start();
  receivers.push(r);
  return r;
}

/** An admin-owned box with an endpoint on a loopback receiver (allowed explicitly). */
async function boxWithEndpoint(events?: string[]): Promise<{ box: BoxDto; rx: Receiver; hook: WebhookEndpointCreatedDto }> {
  const box = await admin.createBox('Hooks');
  const rx = await receiver();
  const hook = await admin.post<WebhookEndpointCreatedDto>(`/api/boxes/${box.id}/webhooks`, { url: rx.url, events, allow_private_network: true }).ok(201);
  return { box, rx, hook };
}

/** Asks again until `ok` holds for the answer, then returns it. */
async function eventually<T>(ask: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await ask();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 1500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const deliveries = (box: BoxDto, hook: WebhookEndpointDto) => admin.get<{ items: WebhookDeliveryDto[] }>(`/api/boxes/${box.id}/webhooks/${hook.id}/deliveries`).ok().then((r) => r.items);
const generate = (box: BoxDto) => admin.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: 'a kite', ai_model_id: model }).ok(202);

describe('registering endpoints', () => {
  it('the secret is shown once, in the Standard Webhooks form; listing never shows it', async () => {
    const { box, hook } = await boxWithEndpoint();
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(hook.events).toEqual(['asset.created', 'asset.updated', 'asset.completed', 'asset.failed', 'member.changed']);
    const { items } = await admin.get(`/api/boxes/${box.id}/webhooks`).ok();
    expect(items).toHaveLength(1);
    expect(JSON.stringify(items)).not.toContain(hook.secret.slice(6));
    expect(items[0]).not.toHaveProperty('secret');
  });

  it('only owners manage endpoints; private addresses need an admin\'s explicit allowance; bad input is a 400 naming the field', async () => {
    const owner = await gb.newUser('owner');
    const editor = await gb.newUser('editor');
    const box = await owner.createBox();
    await owner.post(`/api/boxes/${box.id}/members`, { email: editor.email, role: 'editor' }).ok(201);
    expect((await editor.get(`/api/boxes/${box.id}/webhooks`)).status).toBe(403);
    expect((await editor.post(`/api/boxes/${box.id}/webhooks`, { url: 'https://example.com/hook' })).status).toBe(403);
    const loopback = await owner.post(`/api/boxes/${box.id}/webhooks`, { url: 'https://127.0.0.1:9/hook' });
    expect(loopback.status).toBe(400);
    expect(loopback.body.message).toMatch(/^url: points at 127\.0\.0\.1 \(loopback\); Genbox does not call private/);
    expect((await owner.post(`/api/boxes/${box.id}/webhooks`, { url: 'http://example.com/hook' })).body.message).toContain('url: example.com is reached over http; only https is used');
    expect((await owner.post(`/api/boxes/${box.id}/webhooks`, { url: 'https://example.com/hook', allow_private_network: true })).status).toBe(403);
    const badEvent = await owner.post(`/api/boxes/${box.id}/webhooks`, { url: 'https://example.com/hook', events: ['asset.exploded'] });
    expect(badEvent).toMatchObject({ status: 400 });
    expect(badEvent.body.message).toContain('events.0');
    expect((await owner.get(`/api/boxes/${box.id}/webhooks`).ok()).items).toEqual([]);
  });
});

describe('deliveries', () => {
  it('a generation reaches the endpoint as signed events that standardwebhooks verifies, each carrying the box seq', async () => {
    const { box, rx, hook } = await boxWithEndpoint();
    const a = await generate(box);
    expect((await admin.settled(a.id)).status).toBe('COMPLETED');
    // the two deliveries of the completion are separate jobs and may arrive in either order: wait for both
    const events = await until(() => rx.verified(hook.secret), (e) => e.some((x) => x.type === 'asset.completed') && e.some((x) => x.type === 'asset.updated' && x.data.asset?.status === 'COMPLETED'), 15_000, 'asset.completed and its asset.updated');
    expect(events[0]).toMatchObject({ type: 'asset.created', data: { box_id: box.id, asset: { id: a.id, status: 'PENDING' } } });
    const completed = events.find((e) => e.type === 'asset.completed')!;
    expect(completed.data.asset).toMatchObject({ id: a.id, status: 'COMPLETED' });
    // the completion is also an asset.updated, with the same seq and another id
    const sameSeq = events.filter((e) => e.data.seq === completed.data.seq);
    expect(sameSeq.map((e) => e.type).sort()).toEqual(['asset.completed', 'asset.updated']);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.every((e) => typeof e.data.seq === 'number')).toBe(true);
    // a signature made with another secret does not verify
    expect(() => rx.verified(`whsec_${Buffer.alloc(24, 7).toString('base64')}`)).toThrow();
    const listed = await deliveries(box, hook);
    expect(listed).toHaveLength(events.length);
    for (const d of listed) expect(d).toMatchObject({ status: 'delivered', attempts: 1, response_status: 200, error: null });
    expect(listed.every((d) => typeof d.response_ms === 'number')).toBe(true);
  });

  it('an endpoint gets only the event types it picked', async () => {
    const { box, rx, hook } = await boxWithEndpoint(['asset.completed', 'member.changed']);
    const a = await generate(box);
    await admin.settled(a.id);
    const invited = await gb.newUser('invited');
    await admin.post(`/api/boxes/${box.id}/members`, { email: invited.email, role: 'viewer' }).ok(201);
    const events = await until(() => rx.verified(hook.secret), (e) => e.length >= 2, 15_000, 'two events');
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.verified(hook.secret).map((e) => e.type).sort()).toEqual(['asset.completed', 'member.changed']);
    expect(events.find((e) => e.type === 'member.changed')!.data).toMatchObject({ box_id: box.id, user_id: invited.id, member: { role: 'viewer' } });
  });

  it('a failing receiver is retried with backoff under the same webhook-id until it answers', async () => {
    const { box, rx, hook } = await boxWithEndpoint(['asset.created']);
    rx.answers.push(500, 503);
    const a = await generate(box);
    await until(() => rx.got, (g) => g.length >= 3, 15_000, 'three tries');
    expect(rx.got.map((g) => g.status)).toEqual([500, 503, 200]);
    expect(new Set(rx.got.map((g) => g.headers['webhook-id'])).size).toBe(1);
    expect(rx.verified(hook.secret).map((e) => e.data.asset.id)).toEqual([a.id, a.id, a.id]);
    const [d] = await eventually(() => deliveries(box, hook), (l) => l[0]?.status === 'delivered', 'delivered');
    expect(d).toMatchObject({ status: 'delivered', attempts: 3, response_status: 200, event_type: 'asset.created' });
  });

  it('an endpoint that keeps failing is turned off with a visible reason; turned back on, a re-send arrives under the same id', async () => {
    const { box, rx, hook } = await boxWithEndpoint(['asset.created']);
    rx.answers.push(500, 500, 500, 500);
    await generate(box);
    const off = await eventually(() => admin.get<WebhookEndpointDto>(`/api/boxes/${box.id}/webhooks/${hook.id}`).ok(), (h) => !h.is_active, 'endpoint off');
    expect(off.disabled_reason).toContain('failed all 4 tries (last: the receiver answered HTTP 500)');
    const [failed] = await deliveries(box, hook);
    expect(failed).toMatchObject({ status: 'failed', attempts: 4, response_status: 500 });
    // nothing more is sent while it is off
    await generate(box);
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.got).toHaveLength(4);
    expect((await admin.post(`/api/boxes/${box.id}/webhooks/${hook.id}/deliveries/${failed!.id}/resend`)).status).toBe(409);

    await admin.patch(`/api/boxes/${box.id}/webhooks/${hook.id}`, { is_active: true }).ok();
    expect((await admin.get<WebhookEndpointDto>(`/api/boxes/${box.id}/webhooks/${hook.id}`).ok())).toMatchObject({ is_active: true, disabled_reason: null });
    await admin.post(`/api/boxes/${box.id}/webhooks/${hook.id}/deliveries/${failed!.id}/resend`).ok(202);
    await until(() => rx.got, (g) => g.length >= 5, 10_000, 'the re-send');
    expect(rx.got[4]!.headers['webhook-id']).toBe(failed!.event_id);
    expect(rx.got[4]!.status).toBe(200);
    await eventually(() => deliveries(box, hook), (l) => l.find((d) => d.id === failed!.id)?.status === 'delivered', 'delivered after re-send');
  });

  it('a target name that resolves to a private address is refused at delivery, and nothing reaches it', async () => {
    const owner = await gb.newUser('sneaky');
    const box = await owner.createBox();
    const rx = await receiver();
    const port = new URL(rx.url).port;
    // localhost is a name, so it passes registration; its addresses are checked when the socket connects
    const hook = await owner.post<WebhookEndpointCreatedDto>(`/api/boxes/${box.id}/webhooks`, { url: `https://localhost:${port}/hook`, events: ['asset.created'] }).ok(201);
    await owner.post(`/api/boxes/${box.id}/generate`, { prompt: 'x', ai_model_id: model }).ok(202);
    const [d] = await eventually(() => owner.get<{ items: WebhookDeliveryDto[] }>(`/api/boxes/${box.id}/webhooks/${hook.id}/deliveries`).ok().then((r) => r.items), (l) => (l[0]?.attempts ?? 0) >= 1, 'an attempt');
    expect(d!.error).toMatch(/^refused: points at localhost, which resolves to (127\.0\.0\.1|::1) \(loopback\)/);
    expect(d!.response_status).toBeNull();
    expect(rx.got).toEqual([]);
  });

  it('settled deliveries older than 30 days are forgotten; a still-due one stays', async () => {
    const { box, rx, hook } = await boxWithEndpoint(['asset.created']);
    await generate(box);
    await generate(box);
    await until(() => rx.got, (g) => g.length >= 2, 10_000, 'two deliveries');
    const [older, newer] = await eventually(() => deliveries(box, hook), (l) => l.length === 2 && l.every((d) => d.status === 'delivered'), 'both delivered');
    await gb.sql(`UPDATE webhook_deliveries SET created_at = now() - interval '31 days' WHERE id = $1`, [newer!.id]);
    await gb.sql(`UPDATE webhook_deliveries SET created_at = now() - interval '31 days', status = 'pending' WHERE id = $1`, [older!.id]);
    // what the workers' hourly sweep runs
    await gb.app.get(WebhookDeliveriesRepository, { strict: false }).prune(30);
    expect((await deliveries(box, hook)).map((d) => d.id)).toEqual([older!.id]);
  });
});
