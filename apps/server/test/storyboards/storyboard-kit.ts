import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StoryboardDto } from '@genbox/contracts';
import { ffmpegPath, ffprobePath } from '@genbox/media';
import { loadCatalog } from '@genbox/providers';
import type { TestGenbox, UserClient } from '../harness.js';

const run = promisify(execFile);

/** Polls the storyboard until it leaves RUNNING (or the wait runs out). */
export async function storyboardSettled(user: UserClient, id: string, timeoutMs = 60_000): Promise<StoryboardDto> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await user.get<StoryboardDto>(`/api/storyboards/${id}`).ok();
    if (s.status !== 'RUNNING' || Date.now() > until) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The stored bytes of an asset, read from the local data dir through its row. */
export async function storedBytes(gb: TestGenbox, assetId: string): Promise<Buffer> {
  const [row] = await gb.sql<{ storage_key: string }>('SELECT storage_key FROM assets WHERE id = $1', [assetId]);
  return readFile(join(gb.dataDir, row!.storage_key));
}

/** Duration in seconds and frame rate of a video's picture stream, as ffprobe measures them. */
export async function probe(path: string): Promise<{ durationS: number; fps: number; width: number; height: number }> {
  const { stdout } = await run(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=duration,r_frame_rate,width,height', '-show_entries', 'format=duration', '-of', 'json', path]);
  const j = JSON.parse(stdout) as { streams: { duration?: string; r_frame_rate: string; width: number; height: number }[]; format: { duration: string } };
  const [n, d] = j.streams[0]!.r_frame_rate.split('/').map(Number);
  return { durationS: Number(j.streams[0]!.duration ?? j.format.duration), fps: n! / (d || 1), width: j.streams[0]!.width, height: j.streams[0]!.height };
}

/** The last frame of a video file as raw RGB, decoded independently of the server: every frame of its last second, then the final one. */
export async function lastFrameRgb(path: string): Promise<Buffer> {
  const { width, height } = await probe(path);
  const { stdout } = await run(ffmpegPath(), ['-v', 'error', '-sseof', '-1', '-i', path, '-an', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  const all = stdout as unknown as Buffer;
  return all.subarray(all.length - width * height * 3);
}

/** A storyboard's steps with their times, from the assets' history: what the report's timeline shows. */
export async function timeline(gb: TestGenbox, sb: StoryboardDto): Promise<string[]> {
  const t = (iso: string | null) => (iso ? iso.slice(11, 23) : '—');
  const lines = [
    `${'plan'.padEnd(10)} ${t(sb.created_at)} → ${t(sb.drafted_at)} (${sb.planner})`,
    `${'continuity'.padEnd(10)} ${t(sb.drafted_at)} → ${t(sb.planned_at)}`,
    `${'run'.padEnd(10)} started ${t(sb.started_at)}, ${sb.status} ${t(sb.completed_at)}`,
  ];
  const span = async (label: string, id: string | null) => {
    if (!id) return;
    const ev = await gb.sql<{ to_status: string; at: Date }>('SELECT to_status, at FROM asset_events WHERE asset_id = $1 ORDER BY id', [id]);
    const [a] = await gb.sql<{ started_at: Date | null; duration_s: number | null }>('SELECT started_at, duration_s FROM assets WHERE id = $1', [id]);
    // a frame is stored whole: its history has one row, its extraction began at started_at
    const began = ev.length === 1 && a?.started_at ? `extracting ${a.started_at.toISOString().slice(11, 23)} → ` : '';
    lines.push(`${label.padEnd(10)} ${began}${ev.map((e) => `${e.to_status} ${e.at.toISOString().slice(11, 23)}`).join(' → ')}${a?.duration_s ? ` (${a.duration_s.toFixed(2)} s of video)` : ''}`);
  };
  for (const s of sb.scenes) {
    await span(`scene ${s.index + 1}`, s.asset_id);
    await span(`frame ${s.index + 1}`, s.frame_asset_id);
  }
  await span('film', sb.final_asset_id);
  return lines;
}

/** A Kie provider on the simulator with the catalog's Seedance 1.5 Pro (image to video), polled every 50 ms; answers the model id. */
export async function kieSeedance(admin: UserClient, sim: { url: string; apiKey: string }, slug: string): Promise<string> {
  const provider = await admin.post('/api/providers', { name: `${slug} provider`, kind: 'kie', base_url: sim.url, api_key: sim.apiKey, allow_private_network: true, max_concurrency: 16 }).ok(201);
  const row = loadCatalog().models.find((m) => m.slug === 'kie-seedance-1-5-pro')!;
  const { provider: _p, notes: _n, ...fields } = row;
  return (await admin.post('/api/models', { ...fields, provider_id: provider.id, slug, response_mapping: { poll: { interval_ms: 50 } } }).ok(201)).id;
}

/** A finished image in the box for scene 1 to start from. */
export async function startImage(user: UserClient, boxId: string): Promise<string> {
  const sharp = (await import('sharp')).default;
  const png = await sharp({ create: { width: 320, height: 180, channels: 3, background: { r: 30, g: 90, b: 160 } } }).png().toBuffer();
  return (await user.upload(boxId, png, 'start.png').ok(201)).id;
}
