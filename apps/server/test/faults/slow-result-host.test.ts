import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AssetDto, BoxDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KieSim, startKieSim } from '../../../../test/simulators/kie.sim.js';
import { type TestGenbox, type UserClient, startTestGenbox } from '../harness.js';
import { ADMIN, loginAdmin, registerModel } from './fault-kit.js';

/**
 * A provider whose result host sends the headers and then one byte a second, for ever: never
 * silent, so the idle timeout never fires. With the DEFAULT configuration (nothing about downloads
 * is set here) the download is cut as too slow once the first rate window has passed, the asset
 * FAILS with a sentence a teammate can act on, and the host sees its connection closed.
 */
describe('a result host that trickles one byte a second (Kie.ai simulator, default configuration)', () => {
  let gb: TestGenbox;
  let sim: KieSim;
  let admin: UserClient;
  let box: BoxDto;
  let model: string;

  beforeAll(async () => {
    [gb, sim] = await Promise.all([startTestGenbox({ GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }), startKieSim()]);
    admin = await loginAdmin(gb);
    box = await admin.createBox('Slow hosts');
    model = await registerModel(admin, { kind: 'kie', baseUrl: sim.url, apiKey: sim.apiKey, slug: 'kie-trickle', apiEndpoint: 'nano-banana-2', responseMapping: { poll: { interval_ms: 100 } } });
  });
  afterAll(async () => {
    await gb?.stop();
    await sim?.close();
  });

  const generate = (): Promise<AssetDto> => admin.post<AssetDto>(`/api/boxes/${box.id}/generate`, { prompt: 'a heron in fog', ai_model_id: model }).ok(202);

  it('fails the asset as too slow, closes the connection, keeps nothing, and the next run completes', { timeout: 120_000 }, async () => {
    sim.scripts.push({ steps: [{ phase: 'queued', polls: 1 }], outcome: 'succeeded', trickleResult: true });
    const started = await generate();
    const done = await admin.settled(started.id, 90_000);

    expect(done).toMatchObject({ status: 'FAILED', error_code: 'result_too_slow', file_url: null });
    expect(done.failure).toEqual({ message: "The provider's file server sent the result too slowly, so Genbox gave up on it. Retry in a moment.", fixed_by: 'retry', retry_helps: true });
    // the technical detail names the cause, for admins
    expect(done.error_message).toMatch(/^The result download from 127\.0\.0\.1:\d+ was too slow: \d+ bytes in the last \d+ s, under the minimum of 32 KB\/s/);

    const [host] = sim.files.trickles;
    expect(host).toMatchObject({ requests: 1 }); // not retried: a second try would hold a worker slot as long
    await expect.poll(() => host!.closed, { timeout: 5000 }).toBe(1);
    const sentAtClose = host!.bytesSent;
    await new Promise((r) => setTimeout(r, 1500));
    expect(host!.bytesSent).toBe(sentAtClose); // nothing is sent down a closed connection
    expect((await gb.storedFiles()).filter((f) => f.includes(done.id))).toEqual([]);
    expect(await readdir(join(gb.dataDir, '.tmp')).catch(() => [])).toEqual([]); // no partial file either

    // a member who is not an admin reads the sentence, not the technical detail
    const member = await gb.newUser('member');
    await admin.post(`/api/boxes/${box.id}/members`, { email: member.email, role: 'viewer' }).ok(201);
    const seen = await member.get<AssetDto>(`/api/assets/${done.id}`).ok();
    expect(seen).toMatchObject({ status: 'FAILED', error_code: 'result_too_slow', error_message: null, failure: done.failure });

    // the worker is free for the next run, whose host is quick
    const next = await admin.settled((await generate()).id, 30_000);
    expect(next).toMatchObject({ status: 'COMPLETED', mime_type: 'image/png' });
  });
});
