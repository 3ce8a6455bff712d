import type { AssetDto, BatchDto } from '@genbox/contracts';

/** A batch as the strip shows it: the server's counts and queue position, with its prompt and model from a loaded member. */
export interface BatchView {
  id: string;
  size: number;
  prompt: string;
  model: string;
  done: number;
  failed: number;
  running: number;
  queued: number;
  /** 1 = next in the installation's queue; null when none of it waits or its box is paused. */
  queuePosition: number | null;
  paused: boolean;
}

const inFlight = (a: AssetDto) => a.status === 'PENDING' || a.status === 'PROCESSING';

/**
 * The batches (server-named: `batch_id`) with a loaded member still in flight, oldest first. Only
 * the ids come from the loaded assets: how far each batch is comes from the server, which sees
 * every member even when the board has loaded a few of them.
 */
export function liveBatchIds(assets: AssetDto[]): string[] {
  const first = new Map<string, string>();
  for (const a of assets) {
    if (!a.batch_id || !inFlight(a)) continue;
    const at = first.get(a.batch_id);
    if (!at || a.created_at < at) first.set(a.batch_id, a.created_at);
  }
  return [...first].sort((x, y) => (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0)).map(([id]) => id);
}

/** What the strip shows of a batch, or null once none of it is in flight (it leaves the strip). */
export function batchView(state: BatchDto, member: AssetDto | undefined): BatchView | null {
  const c = state.counts;
  if (c.PENDING + c.PROCESSING === 0) return null;
  return {
    id: state.id, size: state.total, prompt: member?.prompt ?? '', model: member?.ai_model?.name ?? 'Unknown model',
    done: c.COMPLETED, failed: c.FAILED + c.CANCELED, running: c.PROCESSING, queued: c.PENDING,
    queuePosition: state.queue_position, paused: state.box_paused,
  };
}

/** The queue badge: where the batch's next waiting asset stands, or why it does not move. */
export function queueLabel(b: BatchView): string | null {
  if (b.queued === 0) return null;
  if (b.paused) return 'Paused: waits for Resume';
  if (b.queuePosition === null) return null;
  return b.queuePosition === 1 ? 'Next in queue' : `#${b.queuePosition} in queue`;
}
