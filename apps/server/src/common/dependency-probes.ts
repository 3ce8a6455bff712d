import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Database } from '../database/database.js';
import type { StorageDriver } from '../storage/storage.port.js';
import { DEPENDENCIES, DEPENDENCY_NAMES, type Dependency, unavailableDependency } from './dependency-errors.js';
import { DATABASE, REDIS, STORAGE } from '../common/tokens.js';

export interface ProbeResult {
  ok: boolean;
  /** How long the probe took, in ms. */
  ms: number;
  /** Why it failed; for logs and admins only (it names hosts and paths). */
  error?: string;
}

/** One probe's deadline: all three run at once, so a health answer takes at most this, well under a second. */
export const PROBE_TIMEOUT_MS = 800;
/** How often a job waiting for a dependency asks whether it is back, in ms. */
const WAIT_POLL_MS = 250;

/**
 * Asks PostgreSQL, Redis and storage whether they answer. Readiness reports it; a job whose step
 * failed because one of them was gone waits here until it is back instead of spending a retry.
 */
@Injectable()
export class DependencyProbes {
  private readonly logger = new Logger('Dependencies');
  private readonly waits = new Map<Dependency, Promise<void>>();
  private readonly down = new Set<Dependency>();

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(STORAGE) private readonly storage: StorageDriver,
  ) {}

  async probe(dep: Dependency): Promise<ProbeResult> {
    const t = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.ask(dep), deadline]);
      this.note(dep, true);
      return { ok: true, ms: Date.now() - t };
    } catch (e) {
      const error = (e as Error)?.message || String(e);
      this.note(dep, false, error);
      return { ok: false, ms: Date.now() - t, error };
    } finally {
      clearTimeout(timer);
    }
  }

  async probeAll(): Promise<Record<Dependency, ProbeResult>> {
    const results = await Promise.all(DEPENDENCIES.map((d) => this.probe(d)));
    return Object.fromEntries(DEPENDENCIES.map((d, i) => [d, results[i]!])) as Record<Dependency, ProbeResult>;
  }

  /**
   * Resolves once `dep` answers (every dependency for `unknown`); answers whether it had to wait,
   * so a caller can tell an outage from an error that only looked like one. However many jobs
   * wait, one probe per dependency runs at a time.
   */
  async waitUntilUp(dep: Dependency | 'unknown', stop?: AbortSignal): Promise<boolean> {
    const deps = dep === 'unknown' ? DEPENDENCIES : [dep];
    const first = await Promise.all(deps.map((d) => this.probe(d)));
    if (first.every((r) => r.ok)) return false;
    await Promise.all(deps.map((d, i) => (first[i]!.ok ? null : this.sharedWait(d, stop))));
    return true;
  }

  /**
   * Runs `fn`; while it fails because a dependency is away, waits for it and runs it again. For a
   * write that must outlive a blip, such as the task id a provider just gave: losing it would send
   * the request to the provider a second time.
   */
  async persist<T>(fn: () => Promise<T>, stop?: AbortSignal): Promise<T> {
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        const dep = unavailableDependency(err);
        if (!dep || !(await this.waitUntilUp(dep, stop))) throw err;
      }
    }
  }

  private sharedWait(dep: Dependency, stop?: AbortSignal): Promise<void> {
    let wait = this.waits.get(dep);
    if (!wait) {
      wait = (async () => {
        while (!(await this.probe(dep)).ok) await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
      })().finally(() => this.waits.delete(dep));
      this.waits.set(dep, wait);
    }
    if (!stop) return wait;
    return Promise.race([wait, new Promise<void>((_, reject) => {
      if (stop.aborted) reject(stop.reason);
      stop.addEventListener('abort', () => reject(stop.reason), { once: true });
    })]);
  }

  private async ask(dep: Dependency): Promise<void> {
    if (dep === 'postgres') await this.db.query('SELECT 1');
    else if (dep === 'storage') await this.storage.health();
    else {
      // commands to a Redis that is away queue up until it is back: say so now instead of waiting
      if (this.redis.status !== 'ready') throw new Error(`Redis connection is ${this.redis.status}`);
      await this.redis.ping();
    }
  }

  /** The details go to the log, once per change: the public only ever hears up or down. */
  private note(dep: Dependency, ok: boolean, error?: string): void {
    if (ok && this.down.delete(dep)) this.logger.log(`${DEPENDENCY_NAMES[dep]} answers again`);
    else if (!ok && !this.down.has(dep)) {
      this.down.add(dep);
      this.logger.warn(`${DEPENDENCY_NAMES[dep]} does not answer: ${error}`);
    }
  }
}
