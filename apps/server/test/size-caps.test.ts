import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplicateSim, startReplicateSim } from '../../../test/simulators/replicate.sim.js';
import { SAMPLE_MP4 } from '../../../test/simulators/shared/index.js';
import { ConfigError, loadConfig } from '../src/config/env.js';
import { filesUnder } from './storage/fixtures.js';
import { type TestGenbox, UserClient, startTestGenbox } from './harness.js';

const GB = 1024 ** 3;
const MB = 1024 * 1024;
const ADMIN = { email: 'caps-admin@example.com', password: 'caps-admin-password' };

describe('size caps in the configuration', () => {
  it('an upload and a result cap of 5 GB (and more) are accepted', () => {
    const config = loadConfig({ MAX_UPLOAD_BYTES: String(5 * GB), MAX_RESULT_BYTES: String(8 * GB) });
    expect(config.maxUploadBytes).toBe(5 * GB);
    expect(config.maxResultBytes).toBe(8 * GB);
  });

  it('a cap that is not a positive whole number of bytes stops start, naming the variable', () => {
    for (const bad of ['0', '-1', '5GB', '1.5']) {
      expect(() => loadConfig({ MAX_UPLOAD_BYTES: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ MAX_UPLOAD_BYTES: bad }), bad).toThrow(/MAX_UPLOAD_BYTES/);
    }
  });
});

/** The 1 s sample clip padded with a `free` box to `size` bytes: a valid MP4 of any size. */
function paddedMp4(size: number): Buffer {
  const pad = Buffer.alloc(size - SAMPLE_MP4.length);
  pad.writeUInt32BE(pad.length, 0);
  pad.write('free', 4, 'latin1');
  return Buffer.concat([SAMPLE_MP4, pad]);
}

describe('a provider result over the configured cap', () => {
  let gb: TestGenbox;
  let sim: ReplicateSim;
  let admin: UserClient;
  let dir: string;

  beforeAll(async () => {
    [gb, sim, dir] = await Promise.all([
      startTestGenbox({ MAX_RESULT_BYTES: String(2 * MB), GENBOX_ADMIN_EMAIL: ADMIN.email, GENBOX_ADMIN_PASSWORD: ADMIN.password }),
      startReplicateSim(),
      mkdtemp(join(tmpdir(), 'genbox-caps-')),
    ]);
    const r = await gb.client.post('/api/auth/login', ADMIN).ok();
    admin = new UserClient(gb.url, r.token, r.user.id, ADMIN.email, 'admin');
  });
  afterAll(async () => {
    await gb?.stop();
    await sim?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('fails the generation as too large, saying so, downloads no further and leaves nothing stored; one under the cap completes', async () => {
    const provider = await admin.post<{ id: string }>('/api/providers', { name: 'Replicate sim', kind: 'replicate', base_url: `${sim.url}/v1`, api_key: sim.apiKey, allow_private_network: true }).ok(201);
    const model = await admin.post<{ id: string }>('/api/models', { provider_id: provider.id, name: 'Clips', slug: 'clips', model_type: 'VIDEO', input_type: 'TEXT', api_endpoint: 'google/veo-3.1-fast', parameters_schema: {} }).ok(201);
    const box = await admin.createBox('Long takes');
    const big = join(dir, 'big.mp4');
    await writeFile(big, paddedMp4(3 * MB));
    const small = join(dir, 'small.mp4');
    await writeFile(small, paddedMp4(MB));

    sim.scripts.push({ steps: [], outcome: 'succeeded', outputFile: { path: big, mimeType: 'video/mp4', ext: 'mp4' } });
    const refused = await admin.settled((await admin.post<{ id: string }>(`/api/boxes/${box.id}/generate`, { prompt: 'a very long take', ai_model_id: model.id }).ok(202)).id, 30_000);
    expect(refused).toMatchObject({ status: 'FAILED', error_code: 'result_too_large', size_bytes: null });
    expect(refused.error_message).toMatch(/larger than the 2 MB limit/);
    expect(refused.failure?.message).toMatch(/larger than this install accepts/);
    // the one download was stopped, not retried, and nothing of it stayed: no file, no temp file
    expect(sim.server.log.filter((r) => r.path.startsWith('/files/'))).toHaveLength(1);
    expect(await filesUnder(gb.dataDir)).toEqual([]);

    sim.scripts.push({ steps: [], outcome: 'succeeded', outputFile: { path: small, mimeType: 'video/mp4', ext: 'mp4' } });
    const done = await admin.settled((await admin.post<{ id: string }>(`/api/boxes/${box.id}/generate`, { prompt: 'a short take', ai_model_id: model.id }).ok(202)).id, 30_000);
    expect(done).toMatchObject({ status: 'COMPLETED', size_bytes: MB, width: 64, height: 64 });
  });
});
