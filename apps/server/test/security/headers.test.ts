import type { AssetDto } from '@genbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGenbox, type UserClient, pngBytes, startTestGenbox } from '../harness.js';

/*
 * Security headers: every page and API answer says what the browser may load and that nobody may
 * frame it; stored files (uploads, provider results) come with their own type, never guessed,
 * under a sandbox, inline only for images and videos and as a download when asked.
 */

let gb: TestGenbox;
let alice: UserClient;

beforeAll(async () => {
  gb = await startTestGenbox();
  alice = await gb.newUser('alice');
});
afterAll(() => gb?.stop());

const policy = (res: Response) => Object.fromEntries((res.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));

describe('pages and API answers', () => {
  it('carry a content security policy that allows no foreign or inline script and no framing, plus nosniff and no referrer', async () => {
    for (const [path, auth] of [['/api/docs', false], ['/api/health', false], ['/api/boxes', true], ['/api/boxes/not-a-box', true]] as const) {
      const res = await fetch(`${gb.url}${path}`, { headers: auth ? { authorization: `Bearer ${alice.token}` } : {} });
      const csp = policy(res);
      expect(csp['script-src'], path).toEqual(["'self'"]);
      expect(csp['frame-ancestors'], path).toEqual(["'none'"]);
      expect(csp['object-src'], path).toEqual(["'none'"]);
      expect(csp['default-src'], path).toEqual(["'self'"]);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('the API docs page runs with no inline script (its set-up line is a file of this origin)', async () => {
    const page = await (await fetch(`${gb.url}/api/docs`)).text();
    expect(page).not.toMatch(/<script>(?!<\/script>)/);
    const init = page.match(/<script src="(\/api\/docs\/ui\/genbox-init\.js)">/)?.[1];
    const res = await fetch(`${gb.url}${init}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(await res.text()).toContain('SwaggerUIBundle');
  });
});

describe('stored files', () => {
  it('are served with their own type, nosniff, a sandboxing policy, inline with a safe name, or as a download when asked', async () => {
    const box = await alice.createBox('Files');
    const asset = await alice.upload(box.id, await pngBytes(), '"><img src=x onerror=alert(1)>.png').ok(201);
    for (const url of [asset.file_url!, `${gb.url}/api/assets/${asset.id}/file`]) {
      const res = await fetch(url, { headers: url.includes('sig=') ? {} : { authorization: `Bearer ${alice.token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = policy(res);
      expect(csp['default-src']).toEqual(["'none'"]);
      expect(csp).toHaveProperty('sandbox');
      expect(csp['script-src']).toBeUndefined();
      // the name is Genbox's own, never the uploaded one
      expect(res.headers.get('content-disposition')).toBe(`inline; filename="genbox-${asset.id.slice(0, 8)}.png"`);
    }
    const download = await fetch(`${asset.file_url}&download=1`);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="genbox-${asset.id.slice(0, 8)}.png"`);
    expect(policy(download)).toHaveProperty('sandbox');

    const thumb = await fetch(asset.thumbnail_url!);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('x-content-type-options')).toBe('nosniff');
    expect(policy(thumb)).toHaveProperty('sandbox');
    expect(thumb.headers.get('content-disposition')).toMatch(/^inline; filename="genbox-[0-9a-f]{8}(-thumbnail)?\.(png|webp)"$/);
  });
});
