// @vitest-environment happy-dom
import { createTestingPinia } from '@pinia/testing';
import { describe, expect, it, vi } from 'vitest';
import { configureHttp } from '../api/http';
import { useAssetsStore } from '../stores/assets';
import { makeAsset } from '../test/fixtures';
import { useUpload } from './useUpload';

/** An XHR that reports half the bytes sent, then answers `status` with `body`. */
function fakeXhr(status: number, body: unknown, seen: { url?: string; auth?: string; form?: FormData }) {
  return () => {
    const xhr = {
      status: 0,
      statusText: '',
      responseText: '',
      upload: { onprogress: null as ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null },
      onload: null as (() => void) | null,
      onerror: null,
      onabort: null,
      open: (_m: string, url: string) => { seen.url = url; },
      setRequestHeader: (k: string, v: string) => { if (k === 'Authorization') seen.auth = v; },
      send: (form: FormData) => {
        seen.form = form;
        xhr.upload.onprogress?.({ lengthComputable: true, loaded: 50, total: 100 });
        xhr.status = status;
        xhr.responseText = JSON.stringify(body);
        queueMicrotask(() => xhr.onload?.());
      },
      abort: () => {},
    };
    return xhr as unknown as XMLHttpRequest;
  };
}

const file = (name: string, type: string) => new File(['x'], name, { type });

describe('uploading', () => {
  it('shows progress and puts the new asset on the board', async () => {
    createTestingPinia({ stubActions: false, createSpy: vi.fn });
    const asset = makeAsset();
    const seen: { url?: string; auth?: string } = {};
    configureHttp({ createXhr: fakeXhr(201, asset, seen), getToken: () => 'tok' });
    const up = useUpload(() => 'box-1');
    const started = up.start([file('cat.png', 'image/png')]);
    expect(up.items.value[0]).toMatchObject({ name: 'cat.png', progress: 0.5, done: false });
    await started;
    expect(seen).toMatchObject({ url: '/api/boxes/box-1/upload', auth: 'Bearer tok' });
    expect(up.items.value[0]).toMatchObject({ progress: 1, done: true, error: null });
    expect(useAssetsStore().list('box-1')).toEqual([asset]);
  });

  it('sends an optional caption as prompt_text with every file, and none when it is blank', async () => {
    createTestingPinia({ stubActions: false, createSpy: vi.fn });
    const seen: { form?: FormData } = {};
    configureHttp({ createXhr: fakeXhr(201, makeAsset({ prompt: 'Brand swatch' }), seen) });
    const up = useUpload(() => 'box-1');
    await up.start([file('swatch.png', 'image/png')], '  Brand swatch ');
    expect(seen.form!.get('prompt_text')).toBe('Brand swatch');
    expect((seen.form!.get('file') as File).name).toBe('swatch.png');
    await up.start([file('other.png', 'image/png')], '   ');
    expect(seen.form!.has('prompt_text')).toBe(false);
  });

  it("shows the server's reason when a file is refused", async () => {
    createTestingPinia({ stubActions: false, createSpy: vi.fn });
    configureHttp({ createXhr: fakeXhr(413, { statusCode: 413, error: 'payload_too_large', message: 'The file is larger than 50 MB' }, {}) });
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
