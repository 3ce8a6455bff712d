// @vitest-environment happy-dom
import { createTestingPinia } from '@pinia/testing';
import { describe, expect, it, vi } from 'vitest';
import { watch } from 'vue';
import { configureHttp } from '../api/http';
import { useAssetsStore } from '../stores/assets';
import { makeAsset } from '../test/fixtures';
import { useUpload } from './useUpload';

interface Sent { method: string; url: string; headers: Record<string, string>; bytes: number }

/**
 * A tus server in an XHR: POST makes an upload, PATCH appends (reporting half the bytes sent
 * first), HEAD says the offset, GET answers the asset. `dropFirstPatch` cuts the first PATCH
 * after half its bytes arrived, as a lost connection does (the server keeps those bytes).
 */
function fakeTus(opts: { asset?: unknown; refuse?: { status: number; body: unknown }; dropFirstPatch?: boolean; link?: { up: boolean } } = {}) {
  const sent: Sent[] = [];
  let length = 0;
  let offset = 0;
  let patches = 0;
  const createXhr = () => {
    const headers: Record<string, string> = {};
    let method = '';
    let url = '';
    const answer: Record<string, string> = {};
    const xhr = {
      status: 0,
      responseText: '',
      upload: { onprogress: null as ((e: { loaded: number }) => void) | null },
      onload: null as (() => void) | null,
      onerror: null as (() => void) | null,
      onabort: null,
      open: (m: string, u: string) => { method = m; url = u; },
      setRequestHeader: (k: string, v: string) => { headers[k] = v; },
      getResponseHeader: (k: string) => answer[k] ?? null,
      send: (body: Blob | null) => {
        sent.push({ method, url, headers: { ...headers }, bytes: body?.size ?? 0 });
        const reply = (status: number, json?: unknown) => {
          xhr.status = status;
          xhr.responseText = json === undefined ? '' : JSON.stringify(json);
          queueMicrotask(() => xhr.onload?.());
        };
        if (opts.refuse) return reply(opts.refuse.status, opts.refuse.body);
        if (opts.link && !opts.link.up) return queueMicrotask(() => xhr.onerror?.());
        if (method === 'POST') {
          length = Number(headers['Upload-Length']);
          offset = 0;
          answer.Location = '/api/uploads/u1';
          return reply(201, { id: 'u1', url: '/api/uploads/u1', length, offset: 0, expires_at: 'x', asset_id: null });
        }
        if (method === 'HEAD') {
          answer['Upload-Offset'] = String(offset);
          return reply(200);
        }
        if (method === 'GET') return reply(200, opts.asset);
        const size = body!.size;
        xhr.upload.onprogress?.({ loaded: size / 2 });
        if (opts.dropFirstPatch && patches++ === 0) {
          offset += size / 2;
          if (opts.link) opts.link.up = false;
          return queueMicrotask(() => xhr.onerror?.());
        }
        offset += size;
        answer['Upload-Offset'] = String(offset);
        if (offset === length) answer['Genbox-Asset-Id'] = 'a1';
        return reply(204);
      },
      abort: () => {},
    };
    return xhr as unknown as XMLHttpRequest;
  };
  return { createXhr, sent };
}

const file = (name: string, type: string, size = 1000) => new File([new Uint8Array(size)], name, { type });

describe('uploading', () => {
  it('shows progress and puts the new asset on the board', async () => {
    createTestingPinia({ stubActions: false, createSpy: vi.fn });
    const asset = makeAsset();
    const tus = fakeTus({ asset });
    configureHttp({ createXhr: tus.createXhr, getToken: () => 'tok' });
    const up = useUpload(() => 'box-1');
    const shown: number[] = [];
    watch(() => up.items.value[0]?.progress, (p) => shown.push(p!), { flush: 'sync' });
    await up.start([file('cat.png', 'image/png')]);
    expect(shown).toContain(0.5);
    expect(tus.sent.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /api/boxes/box-1/uploads', 'PATCH /api/uploads/u1', 'GET /api/assets/a1']);
    expect(tus.sent[0]!.headers).toMatchObject({ Authorization: 'Bearer tok', 'Tus-Resumable': '1.0.0', 'Upload-Length': '1000' });
    expect(up.items.value[0]).toMatchObject({ progress: 1, done: true, error: null });
    expect(useAssetsStore().list('box-1')).toEqual([asset]);
  });

  it('after a dropped connection it asks the server what it has and sends only the rest', async () => {
    createTestingPinia({ stubActions: false, createSpy: vi.fn });
    const tus = fakeTus({ asset: makeAsset(), dropFirstPatch: true });
    configureHttp({ createXhr: tus.createXhr });
    const up = useUpload(() => 'box-1');
    await up.start([file('clip.mp4', 'video/mp4', 1000)]);
    expect(tus.sent.map((s) => `${s.method} ${s.bytes}`)).toEqual(['POST 0', 'PATCH 1000', 'HEAD 0', 'PATCH 500', 'GET 0']);
    expect(tus.sent[3]!.headers['Upload-Offset']).toBe('500');
    expect(up.items.value[0]).toMatchObject({ done: true, error: null });
  });

  it('when the link stays down it stops with Resume, which continues the same upload from what the server has', async () => {
    vi.useFakeTimers();
    try {
      createTestingPinia({ stubActions: false, createSpy: vi.fn });
      const link = { up: true };
      const tus = fakeTus({ asset: makeAsset(), dropFirstPatch: true, link });
      configureHttp({ createXhr: tus.createXhr });
      const up = useUpload(() => 'box-1');
      const running = up.start([file('clip.mp4', 'video/mp4', 1000)]);
      await vi.runAllTimersAsync(); // every wait between tries passes, the link still down
      await running;
      expect(up.items.value[0]).toMatchObject({ done: false, canResume: true, error: 'Cannot reach the server. Check your connection and try again.' });
      const tries = tus.sent.length;

      link.up = true;
      const resumed = up.resume(up.items.value[0]!.key);
      await vi.runAllTimersAsync();
      await resumed;
      // no new upload: it asks the same one what it has and sends the other half only
      expect(tus.sent.slice(tries).map((s) => `${s.method} ${s.url} ${s.bytes}`)).toEqual(['HEAD /api/uploads/u1 0', 'PATCH /api/uploads/u1 500', 'GET /api/assets/a1 0']);
      expect(tus.sent.filter((s) => s.method === 'POST')).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a refused file offers no Resume', async () => {
    createTestingPinia({ stubActions: false, createSpy: vi.fn });
    configureHttp({ createXhr: fakeTus({ refuse: { status: 415, body: { statusCode: 415, error: 'unsupported_media_type', message: 'Only images and videos' } } }).createXhr });
    const up = useUpload(() => 'box-1');
    await up.start([file('notes.mp4', 'video/mp4')]);
    expect(up.items.value[0]).toMatchObject({ canResume: false, error: 'Only images and videos' });
  });

  it('sends an optional caption as prompt_text metadata with every file, and none when it is blank', async () => {
    createTestingPinia({ stubActions: false, createSpy: vi.fn });
    const tus = fakeTus({ asset: makeAsset({ prompt: 'Brand swatch' }) });
    configureHttp({ createXhr: tus.createXhr });
    const up = useUpload(() => 'box-1');
    await up.start([file('swatch.png', 'image/png')], '  Brand swatch ');
    expect(tus.sent[0]!.headers['Upload-Metadata']).toBe(`filename ${btoa('swatch.png')},prompt_text ${btoa('Brand swatch')}`);
    await up.start([file('other.png', 'image/png')], '   ');
    expect(tus.sent.at(-3)!.headers['Upload-Metadata']).toBe(`filename ${btoa('other.png')}`);
  });

  it("shows the server's reason when a file is refused", async () => {
    createTestingPinia({ stubActions: false, createSpy: vi.fn });
    configureHttp({ createXhr: fakeTus({ refuse: { status: 413, body: { statusCode: 413, error: 'payload_too_large', message: 'The file is larger than 50 MB' } } }).createXhr });
    const up = useUpload(() => 'box-1');
    await up.start([file('huge.mp4', 'video/mp4')]);
    expect(up.items.value[0]!.error).toBe('The file is larger than 50 MB');
  });

  it('refuses what is neither an image nor a video without sending it', async () => {
    createTestingPinia({ stubActions: false, createSpy: vi.fn });
    const createXhr = vi.fn();
    configureHttp({ createXhr });
    const up = useUpload(() => 'box-1');
    await up.start([file('notes.pdf', 'application/pdf')]);
    expect(up.items.value[0]!.error).toBe('Only images and videos can be uploaded.');
    expect(createXhr).not.toHaveBeenCalled();
  });
});
