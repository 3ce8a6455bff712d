import pg from 'pg';
import sharp from 'sharp';
import { launchChromium, logIn } from '../e2e/browser.js';
import { type SeedAssetsOptions, seedAssets } from '../support/seed-assets.js';
import { ADMIN, Api, sandbox, startGenboxProc } from './procs.js';
import { percentile } from './stats.js';

export interface BoardWebOptions { bigAssets: number; smallAssets: number; runs: number; screens: number }
export interface BoardWebResult {
  bigAssets: number;
  smallAssets: number;
  /** ms from navigation to the first thumbnail painted in the viewport, median of `runs` */
  firstThumbMs: { big: number; small: number };
  /** elements in the document after scrolling `screens` screens down the big box, and the cards among them */
  afterScroll: { screens: number; elements: number; cards: number; loaded: number };
}

async function seedBox(api: Api, db: pg.Pool, userId: string, name: string, count: number): Promise<string> {
  const box = await api.call('POST', '/api/boxes', { name });
  const files: SeedAssetsOptions['files'] = [];
  for (const [w, h] of [[320, 180], [200, 260], [240, 240]] as const) {
    const png = await sharp({ create: { width: w, height: h, channels: 3, background: { r: 40 + w / 4, g: 120, b: 200 } } }).png().toBuffer();
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), `seed-${w}.png`);
    const res = await fetch(`${api.baseUrl}/api/boxes/${box.id}/upload`, { method: 'POST', headers: { authorization: `Bearer ${api.token}` }, body: form });
    const a = (await res.json()) as { id: string };
    const { rows } = await db.query('SELECT storage_key, thumbnail_key, mime_type FROM assets WHERE id = $1', [a.id]);
    files.push({ ...rows[0], width: w, height: h, type: 'IMAGE' });
  }
  await db.query(`UPDATE assets SET created_at = '2020-01-01' WHERE box_id = $1`, [box.id]);
  await seedAssets((q, p) => db.query(q, p), { boxId: box.id, userIds: [userId], count: count - 3, files });
  return box.id;
}

/**
 * In headless Chromium against the built server and web app: how long a board takes to paint its
 * first thumbnail on a big box against a small one (the same run, alternating), and how many
 * elements the page holds after scrolling down the big box screen by screen.
 */
export async function runBoardWeb(o: BoardWebOptions, log: (s: string) => void): Promise<BoardWebResult> {
  const box = await sandbox('web');
  const db = new pg.Pool({ connectionString: box.databaseUrl, max: 2 });
  const api = await startGenboxProc(box, 'api', { ROLE: 'all' });
  const browser = await launchChromium();
  try {
    const admin = await Api.login(api.url);
    const me = await admin.call('GET', '/api/auth/me');
    log(`board web: seeding a ${o.bigAssets}-asset and a ${o.smallAssets}-asset box`);
    const big = await seedBox(admin, db, me.user.id, 'Big', o.bigAssets);
    const small = await seedBox(admin, db, me.user.id, 'Small', o.smallAssets);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await logIn(page, api.url, ADMIN.email, ADMIN.password);

    /** Navigation start → the first <img> of a card that is decoded and inside the viewport. */
    const firstThumb = async (boxId: string) => {
      await page.goto('about:blank');
      await page.goto(`${api.url}/boxes/${boxId}`, { waitUntil: 'commit' });
      // a string, not a function: tsx would wrap a function's inner names in a helper the page lacks
      return page.evaluate<number>(`new Promise((resolve) => {
        const check = () => {
          for (const img of document.querySelectorAll('[data-testid=asset-card] img')) {
            const r = img.getBoundingClientRect();
            if (img.complete && img.naturalWidth > 0 && r.top < innerHeight && r.bottom > 0) return resolve(performance.now());
          }
          requestAnimationFrame(check);
        };
        check();
      })`);
    };
    const times = { big: [] as number[], small: [] as number[] };
    await firstThumb(small); // warm: the app's own scripts cached, as for a person who opened Genbox before
    for (let i = 0; i < o.runs; i++) {
      times.big.push(await firstThumb(big));
      times.small.push(await firstThumb(small));
    }

    log(`board web: scrolling ${o.screens} screens down the big box`);
    await page.goto(`${api.url}/boxes/${big}`);
    await page.locator('[data-testid=asset-card] img').first().waitFor();
    for (let s = 0; s < o.screens; s++) {
      await page.evaluate('window.scrollBy(0, innerHeight)');
      await page.waitForTimeout(150);
      // an older page on its way: let it land, as a person scrolling would see it
      await page.waitForFunction(`!document.querySelector('[data-testid=board-loading-more]') || window.scrollY + innerHeight * 2 < document.documentElement.scrollHeight`, undefined, { timeout: 10_000 }).catch(() => undefined);
    }
    const afterScroll = await page.evaluate<{ elements: number; cards: number; loaded: number }>(`({
      elements: document.getElementsByTagName('*').length,
      cards: document.querySelectorAll('[data-testid=asset-card]').length,
      loaded: Number((/(\\d+) assets loaded/.exec(document.querySelector('[data-testid=board-grid]')?.getAttribute('aria-label') ?? '') ?? [])[1] ?? document.querySelectorAll('[data-testid=asset-card]').length),
    })`);
    return {
      bigAssets: o.bigAssets,
      smallAssets: o.smallAssets,
      firstThumbMs: { big: percentile(times.big, 50), small: percentile(times.small, 50) },
      afterScroll: { screens: o.screens, ...afterScroll },
    };
  } finally {
    await browser.close().catch(() => undefined);
    await db.end().catch(() => undefined);
    await api.stop();
    await box.drop();
  }
}
