/** Waits `ms`; rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface PacingOptions {
  /** The least time the whole run takes, so a person sees the card working. */
  delayMs: number;
  /** Percentages reported one after another, evenly over the delay. */
  steps?: number[];
  progress?: (pct: number) => void;
  signal: AbortSignal;
}

/**
 * Resolves with the work's result once both the work and the delay are done, reporting progress
 * steps meanwhile. An abort or a failure of the work stops the steps at once.
 */
export async function paced<T>(work: (signal: AbortSignal) => Promise<T>, opts: PacingOptions): Promise<T> {
  const steps = opts.steps ?? [10, 30, 60, 90];
  const stop = new AbortController();
  const signal = AbortSignal.any([opts.signal, stop.signal]);
  const ticker = (async () => {
    for (const pct of steps) {
      signal.throwIfAborted();
      opts.progress?.(pct);
      await sleep(opts.delayMs / steps.length, signal);
    }
  })();
  try {
    const [result] = await Promise.all([work(signal), ticker]);
    return result;
  } catch (e) {
    stop.abort(e);
    // The caller's cancel wins over whatever error it caused further down.
    throw opts.signal.aborted ? opts.signal.reason : e;
  }
}
