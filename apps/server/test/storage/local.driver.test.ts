import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStorageDriver } from '../../src/storage/local.driver.js';
import { filesUnder } from './fixtures.js';
import { InvalidStorageKeyError, StorageNotFoundError, StorageRangeError } from '../../src/storage/storage.port.js';

let dir: string;
let storage: LocalStorageDriver;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'genbox-local-'));
  storage = new LocalStorageDriver(join(dir, 'data'));
  await storage.init();
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('local storage', () => {
  it('gives back what was stored, with its content type and size', async () => {
    const put = await storage.put('boxes/b1/a1.png', Readable.from([Buffer.from('hello '), Buffer.from('world')]), { contentType: 'image/png' });
    expect(put.sizeBytes).toBe(11);
    const got = await storage.get('boxes/b1/a1.png');
    expect(got.sizeBytes).toBe(11);
    expect(got.contentType).toBe('image/png');
    expect(await text(got.stream)).toBe('hello world');
  });

  it('keeps one file per object: no sidecar, and a key without a known extension names no type', async () => {
    await storage.put('boxes/b1/a2.v1', Readable.from([Buffer.from('bytes')]), { contentType: 'image/png' });
    expect(await filesUnder(join(dir, 'data'))).toEqual(['boxes/b1/a2.v1']);
    expect((await storage.get('boxes/b1/a2.v1')).contentType).toBeNull();
  });

  it('serves a byte range and reports the whole size', async () => {
    await storage.put('r.bin', Readable.from([Buffer.from('0123456789')]), { contentType: 'application/octet-stream' });
    const got = await storage.get('r.bin', { start: 2, end: 5 });
    expect(await text(got.stream)).toBe('2345');
    expect(got).toMatchObject({ sizeBytes: 10, range: { start: 2, end: 5 } });
    const tail = await storage.get('r.bin', { start: 7 });
    expect(await text(tail.stream)).toBe('789');
    await expect(storage.get('r.bin', { start: 10 })).rejects.toBeInstanceOf(StorageRangeError);
  });

  it('refuses keys that would leave the data dir', async () => {
    for (const key of ['../escape.png', 'a/../../escape.png', '/etc/passwd', 'a/./b', '.meta/x', 'a\\..\\b', '', 'a//b']) {
      await expect(storage.put(key, Readable.from([Buffer.from('x')]), { contentType: 'text/plain' }), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.get(key), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
    }
    expect(await readdir(dir)).toEqual(['data']);
    expect(await filesUnder(join(dir, 'data'))).toEqual([]);
  });

  it('deletes, and deleting twice is fine', async () => {
    await storage.put('gone.png', Readable.from([Buffer.from('x')]), { contentType: 'image/png' });
    await storage.delete('gone.png');
    await storage.delete('gone.png');
    await expect(storage.get('gone.png')).rejects.toBeInstanceOf(StorageNotFoundError);
    expect(await filesUnder(join(dir, 'data'))).toEqual([]);
  });

  it('leaves no file behind when the incoming stream breaks', async () => {
    async function* broken() {
      yield Buffer.alloc(1024, 1);
      throw new Error('client went away');
    }
    await expect(storage.put('half.png', Readable.from(broken()), { contentType: 'image/png' })).rejects.toThrow('client went away');
    await expect(storage.get('half.png')).rejects.toBeInstanceOf(StorageNotFoundError);
    expect(await filesUnder(join(dir, 'data'))).toEqual([]);
  });

  it('reports an unusable data dir as unhealthy', async () => {
    await storage.health();
    await writeFile(join(dir, 'a-file'), 'x');
    const broken = new LocalStorageDriver(join(dir, 'a-file', 'data')); // a path through a regular file
    await expect(broken.health()).rejects.toThrow(/not writable/);
  });
});
