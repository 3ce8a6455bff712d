import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../../test/simulators/kie.sim.js';
import { type TestGenbox, UserClient, connected, freePort, joinBox, pngBytes, startTestGenbox } from '../harness.js';
import { ADMIN, WorkerProcess, allSettled, historyProblems, loginAdmin, missingLocalFiles, registerModel, sleep } from './fault-kit.js';

/** A Genbox process of `role`; API nodes get a port of their own and answer at `url`. */
async function startNode(gb: TestGenbox, role: 'api' | 'worker') {
  const port = String(await freePort());
  const proc = await WorkerProcess.start(gb, { ROLE: role, PORT: port, LOG_LEVEL: 'log' }, 90_000);
  return { proc, role, url: `http://127.0.0.1:${port}` };
}
type Node = Awaited<ReturnType<typeof startNode>>;

/** SIGTERM, then the exit code; a node that has not exited after 30 s is killed and reported. */
async function stopGracefully(node: Node): Promise<{ code: number | null; ms: number }> {
  const t = Date.now();
  const exited = new Promise<number | null>((r) => node.proc.child.once('exit', (code) => r(code)));
  node.proc.child.kill('SIGTERM');
  const timer = setTimeout(() => node.proc.child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(timer);
  return { code, ms: Date.now() - t };
}

/** A multipart upload whose body trickles in over ~1.5 s, so it is still arriving when the node is told to stop. */
function slowUpload(url: string, token: string, boxId: string, png: Buffer): Promise<Response> {
  const boundary = 'genbox-slow-upload';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.png"\r\nContent-Type: image/png\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const parts = [head, ...Array.from({ length: 6 }, (_, i) => png.subarray(Math.floor((i * png.length) / 6), Math.floor(((i + 1) * png.length) / 6))), tail];
  const body = new ReadableStream({
    async pull(controller) {
      const next = parts.shift();
      if (!next) return controller.close();
      controller.enqueue(new Uint8Array(next));
      await sleep(250);
    },
  });
  return fetch(`${url}/api/boxes/${boxId}/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` }, body, duplex: 'half' } as RequestInit);
}

describe('a rolling restart of 2 API nodes and 2 workers', () => {
  let gb: TestGenbox;
  let sim: KieSim;
  let nodes: Node[] = [];

  beforeAll(async () => {
    // the in-process node only holds the database and the admin; it takes no part in the restart
    [gb, sim] = await Promise.all([
      startTestGenbox({ ROLE: 'api', GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }),
      startKieSim({ rateLimit: { max: 1000, windowMs: 1000 } }),
    ]);
    nodes = await Promise.all([startNode(gb, 'api'), startNode(gb, 'api'), startNode(gb, 'worker'), startNode(gb, 'worker')]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.proc.kill('SIGKILL')));
    await gb?.stop();
    await sim?.close();
  });

  it('loses no job and runs none twice; each node drains and exits by itself; clients are told to reconnect', async () => {
    const admin = await loginAdmin(gb);
    const model = await registerModel(admin, {
      kind: 'kie', baseUrl: sim.url, apiKey: sim.apiKey, slug: 'kie-rolling', apiEndpoint: 'nano-banana-2', responseMapping: { poll: { interval_ms: 150 } },
      provider: { max_concurrency: 6 },
    });
    const box = await admin.createBox('Rolling restart');
    const png = await pngBytes(320, 240);
    let total = 0;
    const generate = async (api: Node, n: number) => {
      for (let i = 0; i < n; i++) sim.scripts.push({ steps: [{ phase: 'running', ms: 1200 }], outcome: 'succeeded' });
      const client = new UserClient(api.url, admin.token!, admin.id, admin.email, 'admin');
      await client.post(`/api/boxes/${box.id}/generate`, { prompt: 'through the restart', ai_model_id: model, count: n }).ok(202);
      total += n;
    };
    await generate(nodes[0]!, 8);
    await generate(nodes[1]!, 8);

    const exits: string[] = [];
    for (const role of ['worker', 'api', 'worker', 'api'] as const) {
      const old = nodes.find((n) => n.role === role && !exits.includes(n.url))!;
      const other = nodes.find((n) => n.role === 'api' && n !== old)!;
      let upload: Promise<Response> | null = null;
      let socketHeard: { hint: boolean; reason: string | null; willReconnect: boolean } | null = null;
      let socket: ReturnType<typeof io> | null = null;
      if (role === 'api') {
        socket = io(old.url, { auth: { token: admin.token }, transports: ['websocket'], reconnectionDelay: 60_000, forceNew: true });
        await connected(socket);
        expect(await joinBox(socket, box.id)).toMatchObject({ ok: true });
        socketHeard = { hint: false, reason: null, willReconnect: false };
        const heard = socketHeard;
        socket.on('server.restarting', () => (heard.hint = true));
        socket.on('disconnect', (reason) => {
          heard.reason = reason;
          heard.willReconnect = socket!.active;
        });
        upload = slowUpload(old.url, admin.token!, box.id, png);
        await sleep(400); // the upload is on its way
      }
      const stopping = stopGracefully(old);
      await sleep(100);
      // the other API node carries on taking work while this one drains
      await generate(other, 4);
      const { code, ms } = await stopping;
      exits.push(old.url);
      expect(code, `${role} exit code after ${ms} ms:\n${old.proc.output.join('').slice(-2000)}`).toBe(0);
      if (upload) {
        const res = await upload;
        expect(res.status, 'the upload in flight when the node was told to stop').toBe(201);
        expect(socketHeard).toEqual({ hint: true, reason: 'transport close', willReconnect: true });
        socket!.close();
      }
      nodes = [...nodes.filter((n) => n !== old), await startNode(gb, role)];
      console.log(`[faults] ${role} drained and exited in ${ms} ms (noisy: shared machine)`);
    }

    const rows = await allSettled(gb, box.id, 60_000);
    expect(rows.filter((r) => r.status !== 'COMPLETED').map((r) => `${r.id} ${r.status} ${r.error_code}`)).toEqual([]);
    expect(await historyProblems(gb, box.id)).toEqual([]);
    expect(await missingLocalFiles(gb, rows)).toEqual([]);
    expect(rows.length).toBe(total + 2); // and the two uploads
    expect(sim.tasks.size, 'tasks created at the provider').toBe(total);
  }, 400_000);
});
