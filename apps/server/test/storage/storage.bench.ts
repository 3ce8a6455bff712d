/**
 * Throughput and memory of a 64 MB streamed put, local disk and s3rver, through ingestUpload
 * (sniff + cap + store), the path uploads take, and through downloadToStorage from a loopback server. Run: npx tsx apps/server/test/storage/storage.bench.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../../src/config/env.js';
import { LocalStorageDriver } from '../../src/storage/local.driver.js';
import { downloadToStorage } from '../../src/generation/safe-download.js';
import { S3StorageDriver } from '../../src/storage/s3.driver.js';
import type { StorageDriver } from '../../src/storage/storage.port.js';
import { ingestUpload } from '../../src/storage/upload-stream.js';
import { bytesStartingWith, hex, startS3, VIDEO_HEADS } from './fixtures.js';

const SIZE = 64 * 1024 * 1024;

async function run(name: string, storage: StorageDriver, download?: string) {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const source = Readable.from(bytesStartingWith(hex(VIDEO_HEADS.mp4), SIZE), { objectMode: false });
  const r = download
    ? await downloadToStorage(download, { storage, key: 'bench/big.mp4', maxBytes: SIZE, allowPrivateNetwork: true, pace: loadConfig({}).resultDownload })
    : await ingestUpload(source, { storage, key: 'bench/big.mp4', maxBytes: SIZE });
  const s = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  await storage.delete('bench/big.mp4');
  console.log(`${name}: ${r.sizeBytes / 1048576} MB in ${s.toFixed(2)} s = ${(SIZE / 1048576 / s).toFixed(0)} MB/s, peak RSS growth ${((peakRss - rssBefore) / 1048576).toFixed(1)} MB`);
}

const dir = await mkdtemp(join(tmpdir(), 'genbox-bench-'));
const local = new LocalStorageDriver(dir);
await local.init();
await run('local (warm-up)', local);
await run('local', local);
const s3 = await startS3();
const remote = new S3StorageDriver(s3.config());
await run('s3rver (warm-up)', remote);
await run('s3rver', remote);
const server = createServer((_req, res) => void pipeline(Readable.from(bytesStartingWith(hex(VIDEO_HEADS.mp4), SIZE)), res.writeHead(200)));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/big.mp4`;
await run('download -> local', local, url);
await run('download -> s3rver', remote, url);
server.close();
remote.close();
await s3.close();
await rm(dir, { recursive: true, force: true });
