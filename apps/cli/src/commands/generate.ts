import { createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { GenboxClient } from '@genbox/client';
import { type AssetDto, type ParametersSchema, TERMINAL_STATUSES } from '@genbox/contracts';
import type { Ctx } from '../context.js';
import { UsageError } from '../output.js';
import { findModel } from './lookup.js';

const USAGE = 'genbox generate --box BOX_ID --model SLUG --prompt TEXT [--param key=value …] [--image FILE] [--count N] [--wait [--out FILE|DIR]]';
const MIME_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.gif': 'image/gif', '.mp4': 'video/mp4', '.webm': 'video/webm', '.mov': 'video/quicktime' };

/**
 * Starts a generation; with --wait, follows it live over the box's event stream (SSE), then
 * downloads each finished file. The stream is opened before the POST, so no change is missed.
 */
export async function generate({ client, out, flags }: Ctx) {
  const boxId = flags.box;
  if (!boxId || !flags.model || !flags.prompt) throw new UsageError(USAGE);
  const model = await findModel(client, flags.model);
  const generationConfig = parseParams(flags.param ?? [], model.parameters_schema);
  let parentId: string | undefined;
  if (flags.image) {
    const bytes = await readFile(flags.image);
    const type = MIME_TYPES[extname(flags.image).toLowerCase()] ?? 'application/octet-stream';
    const uploaded = await client.upload(boxId, new Blob([new Uint8Array(bytes)], { type }), { filename: basename(flags.image) });
    parentId = uploaded.id;
    out.line(`Uploaded ${basename(flags.image)} as ${uploaded.id}`);
  }

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), Number(flags.timeout ?? 600) * 1000);
  try {
    const events = flags.wait ? client.events(boxId, { signal: abort.signal }) : null;
    await events?.next(); // box.joined: the stream is live from here on
    const body = { prompt: flags.prompt, ai_model_id: model.id, generation_config: generationConfig, ...(parentId ? { parent_asset_id: parentId } : {}), ...(flags.count ? { count: Number(flags.count) } : {}) };
    const res = await client.call('generate', { params: { id: boxId }, body });
    const started = 'items' in res ? res.items : [res];
    out.line(`Started ${started.map((a) => a.id).join(', ')} on ${model.slug} (${started[0]!.status})`);
    if (!events) return out.result(started, () => undefined);

    const finished = await follow(client, events, started, out.line);
    const results = [];
    for (const asset of finished) {
      const file = asset.status === 'COMPLETED' ? await download(client, asset, flags.out, finished.length) : null;
      if (file) out.line(`Downloaded ${file.path} (${file.bytes} bytes)`);
      else out.line(`${asset.id} ended ${asset.status}: ${asset.error_message ?? ''}`);
      results.push({ ...asset, file: file?.path ?? null });
    }
    out.result(results, () => undefined);
    if (finished.some((a) => a.status !== 'COMPLETED')) process.exitCode = 1;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** Applies the box's events to our assets until each is COMPLETED, FAILED or CANCELED; prints every move. */
async function follow(client: GenboxClient, events: AsyncGenerator<{ event: string; data: unknown }>, started: AssetDto[], say: (s: string) => void): Promise<AssetDto[]> {
  const mine = new Map(started.map((a) => [a.id, a]));
  const t0 = Date.now();
  const show = (a: AssetDto) => say(`  ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s  ${a.id.slice(0, 8)}  ${a.status}${a.progress !== null ? ` ${a.progress}%` : ''}${a.provider_state ? ` (${a.provider_state})` : ''}`);
  const done = () => [...mine.values()].every((a) => TERMINAL_STATUSES.includes(a.status));
  // the stream was live before the POST, so every move after it comes in order: no read needed
  [...mine.values()].forEach(show);
  while (!done()) {
    const next = await events.next();
    if (next.done) throw new Error('the event stream ended before the generation did (timed out?)');
    const { event, data } = next.value;
    if (event === 'box.resync') {
      for (const id of mine.keys()) mine.set(id, await client.call('getAsset', { params: { id } }));
      continue;
    }
    const asset = (data as { asset?: AssetDto }).asset;
    if ((event === 'asset.updated' || event === 'asset.created') && asset && mine.has(asset.id)) {
      const before = mine.get(asset.id)!;
      mine.set(asset.id, asset);
      if (before.status !== asset.status || before.progress !== asset.progress || before.provider_state !== asset.provider_state) show(asset);
    }
  }
  return [...mine.values()];
}

async function download(client: GenboxClient, asset: AssetDto, out: string | undefined, count: number): Promise<{ path: string; bytes: number }> {
  const ext = Object.entries(MIME_TYPES).find(([, m]) => m === asset.mime_type)?.[0] ?? '';
  const name = `${asset.id}${ext}`;
  const isDir = out ? out.endsWith('/') || (await stat(out).then((s) => s.isDirectory(), () => false)) : false;
  const path = !out ? name : isDir || count > 1 ? join(out, name) : out;
  const res = await client.download(asset.id);
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(path));
  return { path, bytes: (await stat(path)).size };
}

/** `--param duration=8`: each value takes the type the model's parameter has (number, boolean, an option's own type). */
export function parseParams(pairs: string[], schema: ParametersSchema): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new UsageError(`--param ${pair}: write key=value`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const spec = schema[key];
    if (!spec) throw new UsageError(`--param ${key}: the model has no such parameter (${Object.keys(schema).join(', ') || 'it takes none'})`);
    if (spec.type === 'number') config[key] = Number(raw);
    else if (spec.type === 'boolean') config[key] = raw === 'true' || raw === '1' || raw === 'yes';
    else config[key] = spec.options?.find((o) => String(o) === raw) ?? raw;
  }
  return config;
}
