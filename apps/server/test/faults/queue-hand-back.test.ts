import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookDeliveryDto, WebhookEndpointCreatedDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, type UserClient, pngBytes, startTestGenbox } from '../harness.js';
import { ADMIN, WorkerProcess, loginAdmin, sleep } from './fault-kit.js';

/**
 * A webhook receiver that never answers its first request (the worker holding that delivery is
 * the one told to stop) and answers 200 to every later one.
 */
async function stuckOnceReceiver() {
  const got: { id: string; answered: boolean }[] = [];
  const held: import('node:http').ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const first = got.length === 0;
      got.push({ id: String(req.headers['webhook-id']), answered: !first });
      if (first) held.push(res);
      else res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    got,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => {
      for (const res of held) res.destroy();
      return new Promise((r) => server.close(r));
    },
  };
}

/**
 * Every queue a worker runs drains on SIGTERM, not only generation's: here an outgoing-webhook
 * delivery, stuck on a receiver that does not answer, is handed back when its worker stops
 * (default SHUTDOWN_GRACE_MS and WEBHOOK_TIMEOUT_MS), and the next worker delivers it once.
 */
describe('a worker told to stop while it holds a job of another queue', () => {
  let gb: TestGenbox;
  let admin: UserClient;
  let rx: Awaited<ReturnType<typeof stuckOnceReceiver>>;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    [gb, rx] = await Promise.all([startTestGenbox({ ROLE: 'api', GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }), stuckOnceReceiver()]);
    admin = await loginAdmin(gb);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await rx?.close();
    await gb?.stop();
  });

  it('hands the delivery back, and the next worker delivers it once', async () => {
    const first = await WorkerProcess.start(gb, { LOG_LEVEL: 'log' }, 90_000);
    workers.push(first);
    const box = await admin.createBox('Hand back a delivery');
    const hook = await admin.post<WebhookEndpointCreatedDto>(`/api/boxes/${box.id}/webhooks`, { url: rx.url, events: ['asset.created'], allow_private_network: true }).ok(201);
    await admin.upload(box.id, await pngBytes(), 'one.png').ok(201);
    // the worker is now waiting for the receiver's answer (for up to WEBHOOK_TIMEOUT_MS, 10 s): stop it
    for (let i = 0; i < 1200 && rx.got.length === 0; i++) await sleep(25);
    expect(rx.got).toHaveLength(1);
    await first.kill('SIGTERM');
    expect(first.child.exitCode, first.output.join('').slice(-2000)).toBe(0);
    expect(first.output.join('')).toMatch(/deliver \S+ handed back for another worker/);

    // the copy waits in Redis for the next worker
    const second = await WorkerProcess.start(gb, {}, 90_000);
    workers.push(second);

    const list = () => admin.get<{ items: WebhookDeliveryDto[] }>(`/api/boxes/${box.id}/webhooks/${hook.id}/deliveries`).ok().then((r) => r.items);
    let items = await list();
    for (let i = 0; i < 600 && items[0]?.status !== 'delivered'; i++) items = (await sleep(50), await list());
    expect(items, second.output.join('').slice(-2000)).toHaveLength(1);
    // one try recorded (the stopped worker's never came back), and the receiver acknowledged the event once
    expect(items[0]).toMatchObject({ status: 'delivered', attempts: 1, response_status: 200 });
    expect(rx.got.filter((g) => g.answered)).toEqual([{ id: rx.got[0]!.id, answered: true }]);
  }, 240_000);
});
