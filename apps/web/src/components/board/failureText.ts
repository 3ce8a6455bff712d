import type { AssetDto } from '@genbox/contracts';

/** What a teammate reads on a failed card: what happened, what to do, and whether Retry can help. */
export interface FailureText { text: string; retryHelps: boolean }

/** The server's sentence for the run (libs/contracts failures.ts), as the card and the drawer show it. */
export function failureText(a: Pick<AssetDto, 'failure'>): FailureText | null {
  return a.failure ? { text: a.failure.message, retryHelps: a.failure.retry_helps } : null;
}

/** A clip's or a run's length as a person reads it: "4 s", "1:05". */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** How long the run took (queued → finished), or null while it runs. */
export function runSeconds(a: Pick<AssetDto, 'created_at' | 'completed_at' | 'source_type'>): number | null {
  if (a.source_type === 'UPLOADED' || !a.completed_at) return null;
  return Math.max(0, (Date.parse(a.completed_at) - Date.parse(a.created_at)) / 1000);
}

/** The shape a pending generation will have, from its settings ("16:9", "1024x1536"), for its placeholder. */
export function expectedAspect(a: Pick<AssetDto, 'width' | 'height' | 'generation_config'>): { width: number | null; height: number | null } {
  if (a.width && a.height) return { width: a.width, height: a.height };
  const c = a.generation_config ?? {};
  for (const v of [c.aspect_ratio, c.size, c.image_size, c.resolution]) {
    const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)\s*[:x×]\s*(\d+(?:\.\d+)?)$/i.exec(v.trim()) : null;
    if (m) return { width: Number(m[1]), height: Number(m[2]) };
  }
  return { width: null, height: null };
}
