import { Injectable, Logger } from '@nestjs/common';
import type { Job, Queue } from 'bull';

const HANDED_BACK = Symbol('handed back');

/** What a handed-back copy carries: the tries its job had already spent, so a retry budget survives a restart. */
export interface HandedBack {
  triesBefore?: number;
}

/**
 * The jobs of one Bull queue running in this process, for a graceful stop. `drain` takes no new
 * job, lets the running ones finish until the deadline, then hands back the rest: each gets a
 * fresh copy under a new id, which another worker takes at once, and completes here. Without it a
 * job still running when the process exits keeps its lock until Bull calls it stalled (a lock
 * duration later, counting against its stall budget), and Nest's shutdown would wait for it.
 * Handing back is safe because every job's work is idempotent: the copy carries on from what the
 * database says.
 */
export class QueueDrain {
  private readonly running = new Map<string, () => void>();
  private readonly logger: Logger;

  constructor(readonly queue: Queue) {
    this.logger = new Logger(`Queue ${queue.name}`);
  }

  /** Runs a job's work; answers its result, or undefined when the job was handed back. */
  async run<T>(job: Job, work: () => Promise<T>): Promise<T | undefined> {
    let handBack!: () => void;
    const handedBack = new Promise<typeof HANDED_BACK>((resolve) => (handBack = () => resolve(HANDED_BACK)));
    const key = String(job.id);
    this.running.set(key, handBack);
    try {
      const working = work();
      working.catch(() => undefined); // a handed-back job's late failure is nobody's business any more
      const outcome = await Promise.race([working, handedBack]);
      if (outcome !== HANDED_BACK) return outcome;
      await this.copyForAnotherWorker(job);
      return undefined;
    } finally {
      this.running.delete(key);
    }
  }

  /** Stops taking jobs, gives running ones until `deadline` (ms since epoch), hands back the rest. */
  async drain(deadline: number): Promise<void> {
    await withTimeout(this.queue.pause(true, true), Math.max(0, deadline - Date.now())).catch(() => undefined);
    while (this.running.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const handBack of this.running.values()) handBack();
    // the copies are queued before run() returns: wait for them, so the process exits after
    while (this.running.size && Date.now() < deadline + 5_000) await new Promise((r) => setTimeout(r, 20));
  }

  private async copyForAnotherWorker(job: Job): Promise<void> {
    const { jobId, delay, timestamp, ...opts } = job.opts as Job['opts'] & { timestamp?: number };
    void delay; void timestamp;
    const data = { ...(job.data as object), triesBefore: ((job.data as HandedBack).triesBefore ?? 0) + job.attemptsMade } satisfies HandedBack;
    const attempts = Math.max(1, (opts.attempts ?? 1) - job.attemptsMade);
    await this.queue.add(job.name, data, { ...opts, attempts, jobId: `${jobId ?? job.id}:h${Date.now().toString(36)}` })
      .then(() => this.logger.log(`${job.name} ${job.id} handed back for another worker`))
      .catch((e: Error) => this.logger.warn(`${job.name} ${job.id} could not be handed back (${e.message}); Bull gives it to another worker once its lock runs out`));
  }
}

/**
 * Every queue this process runs jobs of (besides generation's own processor, which drains itself
 * with its waits for dependencies): processors register here, and a graceful stop drains them all.
 */
@Injectable()
export class QueueDrains {
  private readonly drains: QueueDrain[] = [];

  /** The drain of `queue`, registered for the graceful stop. */
  for(queue: Queue): QueueDrain {
    const drain = new QueueDrain(queue);
    this.drains.push(drain);
    return drain;
  }

  async drain(deadline: number): Promise<void> {
    await Promise.all(this.drains.map((d) => d.drain(deadline)));
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref())]);
}
