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
  private readonly running = new Map<string, RunningJob>();
  private readonly logger: Logger;

  constructor(readonly queue: Queue, private readonly options: DrainOptions = {}) {
    this.logger = new Logger(`Queue ${queue.name}`);
  }

  /**
   * Starts `concurrency` loops taking the jobs named `name` ('*' for all) in this process.
   *
   * Bull's own promise rejects when the queue closes before its loops have started (a stop soon
   * after a start, or Redis gone at that moment), and Bull 4.16 labels the blocking connection
   * with a CLIENT SETNAME it never waits for. Left alone, either is an unhandled rejection, which
   * ends a Node process; a label is only what CLIENT LIST shows, so its failure is logged and
   * forgotten.
   */
  process(name: string, concurrency: number, handler: (job: Job) => Promise<unknown>): void {
    const queue = this.queue as Queue & { setWorkerName(): Promise<unknown>; closing?: unknown };
    if (!Object.hasOwn(queue, 'setWorkerName')) {
      const label = queue.setWorkerName;
      queue.setWorkerName = () => label.call(queue).catch((e: Error) => this.logger.debug(`connection not labelled: ${e?.message}`));
    }
    queue.process(name, concurrency, handler).catch((e: Error | undefined) => {
      if (!queue.closing) this.logger.warn(`stopped taking ${name} jobs: ${e?.message ?? e}`);
    });
  }

  /**
   * Runs a job's work; answers its result, or undefined when the job was handed back. The work
   * gets its job's slot, to say while it waits for a dependency: a stop hands such a job back at
   * once, since it cannot finish anyway.
   */
  async run<T>(job: Job, work: (slot: JobSlot) => Promise<T>): Promise<T | undefined> {
    let handBack!: () => void;
    const handedBack = new Promise<typeof HANDED_BACK>((resolve) => (handBack = () => resolve(HANDED_BACK)));
    const key = String(job.id);
    const entry: RunningJob = { waiting: false, handBack };
    this.running.set(key, entry);
    try {
      const working = work({ waiting: (on) => void (entry.waiting = on) });
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
    for (const r of this.running.values()) if (r.waiting) r.handBack();
    while (this.running.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const r of this.running.values()) r.handBack();
    // the copies are queued before run() returns: wait for them, so the process exits after
    while (this.running.size && Date.now() < deadline + 5_000) await new Promise((r) => setTimeout(r, 20));
  }

  private async copyForAnotherWorker(job: Job): Promise<void> {
    await (this.options.copy ?? ((j: Job) => copyWithTriesSpent(this.queue, j)))(job)
      .then(() => this.logger.log(`${job.name} ${job.id} handed back for another worker`))
      .catch((e: Error) => this.logger.warn(`${job.name} ${job.id} could not be handed back (${e.message}); ${this.options.ifCopyFails ?? 'Bull gives it to another worker once its lock runs out'}`));
  }
}

/** What a running job's work may tell its drain. */
export interface JobSlot {
  /** true while the job waits for PostgreSQL, Redis or storage to come back. */
  waiting(on: boolean): void;
}

export interface DrainOptions {
  /** Queues the copy of a handed-back job (default: same name, data and options, a new id, the tries it spent carried over). */
  copy?: (job: Job) => Promise<unknown>;
  /** What happens to a job whose copy could not be queued, for the log line. */
  ifCopyFails?: string;
}

interface RunningJob { waiting: boolean; handBack: () => void }

/** The default copy: a new id beside the old one, and the tries already spent, so a retry budget survives a restart. */
function copyWithTriesSpent(queue: Queue, job: Job): Promise<unknown> {
  const { jobId, delay, timestamp, ...opts } = job.opts as Job['opts'] & { timestamp?: number };
  void delay; void timestamp;
  const data = { ...(job.data as object), triesBefore: ((job.data as HandedBack).triesBefore ?? 0) + job.attemptsMade } satisfies HandedBack;
  const attempts = Math.max(1, (opts.attempts ?? 1) - job.attemptsMade);
  return queue.add(job.name, data, { ...opts, attempts, jobId: `${jobId ?? job.id}:h${Date.now().toString(36)}` });
}

/**
 * Every queue this process runs jobs of: processors register here, and a graceful stop drains them all.
 */
@Injectable()
export class QueueDrains {
  private readonly drains: QueueDrain[] = [];

  /** The drain of `queue`, registered for the graceful stop. */
  for(queue: Queue, options?: DrainOptions): QueueDrain {
    const drain = new QueueDrain(queue, options);
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
