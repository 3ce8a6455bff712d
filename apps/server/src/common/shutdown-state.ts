import { Injectable } from '@nestjs/common';

/**
 * Whether this process is shutting down (SIGTERM): readiness then answers 503 so load balancers
 * stop sending work here, while what is in flight drains.
 */
@Injectable()
export class ShutdownState {
  private stopping = new AbortController();

  get draining(): boolean {
    return this.stopping.signal.aborted;
  }

  /** Aborts when the shutdown begins: waits (for a dependency, a slot) give up on it. */
  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  begin(): void {
    if (!this.draining) this.stopping.abort(new Error('Genbox is shutting down'));
  }
}
