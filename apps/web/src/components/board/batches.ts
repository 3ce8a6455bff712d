import type { AssetDto } from '@genbox/contracts';

/** One `count > 1` run: its assets, how far it is, and where it waits in the box's queue. */
export interface Batch { key: string; assets: AssetDto[]; prompt: string; model: string; done: number; failed: number; running: number; queued: number; queuePosition: number | null }

/** Members of one POST (same person, model, prompt and settings) are inserted within a moment of each other. */
const SAME_RUN_MS = 3000;

/**
 * The box's batches that still have work in flight, oldest first. The server does not name a
 * batch: the siblings of one generate call are recognised by what they share.
 */
export function activeBatches(assets: AssetDto[]): Batch[] {
  const groups = new Map<string, AssetDto[][]>();
  for (const a of assets) {
    if (a.source_type === 'UPLOADED') continue;
    const key = [a.created_by?.id, a.ai_model_id, a.prompt, JSON.stringify(a.generation_config), a.parent_asset_id].join('\u0000');
    const runs = groups.get(key) ?? [];
    const t = Date.parse(a.created_at);
    const run = runs.find((r) => Math.abs(Date.parse(r[0]!.created_at) - t) <= SAME_RUN_MS);
    if (run) run.push(a);
    else runs.push([a]);
    groups.set(key, runs);
  }
  // queue order of the box's waiting generations (age; the server also weighs priority)
  const waiting = assets.filter((a) => a.status === 'PENDING' && a.source_type !== 'UPLOADED').sort((x, y) => (x.created_at < y.created_at ? -1 : x.created_at > y.created_at ? 1 : 0));
  const out: Batch[] = [];
  for (const [key, runs] of groups) {
    for (const run of runs) {
      const count = (s: AssetDto['status']) => run.filter((a) => a.status === s).length;
      if (run.length < 2 || (count('PENDING') === 0 && count('PROCESSING') === 0)) continue;
      const firstWaiting = waiting.findIndex((w) => run.some((a) => a.id === w.id));
      out.push({
        key: `${key}\u0000${run[0]!.created_at}`,
        assets: run,
        prompt: run[0]!.prompt ?? '',
        model: run[0]!.ai_model?.name ?? 'Unknown model',
        done: count('COMPLETED'),
        failed: count('FAILED') + count('CANCELED'),
        running: count('PROCESSING'),
        queued: count('PENDING'),
        queuePosition: firstWaiting >= 0 ? firstWaiting + 1 : null,
      });
    }
  }
  return out.sort((a, b) => (a.assets[0]!.created_at < b.assets[0]!.created_at ? -1 : 1));
}
