import type { Server } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { ShutdownState } from './shutdown-state.js';

/** What an event stream is told on shutdown: come back in a second (through the load balancer, to another node). */
const SSE_RECONNECT_HINT = 'retry: 1000\n\n';

/**
 * Knows the requests in flight, so a node that shuts down answers them all before it exits:
 * it stops accepting connections, ends event streams with a reconnect hint, closes idle
 * keep-alive connections, asks clients to reconnect after each answer, and waits for the rest
 * until the deadline.
 */
export class HttpDrain {
  private readonly open = new Set<Response>();

  constructor(private readonly state: ShutdownState) {}

  readonly track = (_req: Request, res: Response, next: NextFunction): void => {
    if (this.state.draining) res.setHeader('Connection', 'close');
    this.open.add(res);
    res.once('close', () => this.open.delete(res));
    next();
  };

  get inFlight(): number {
    return this.open.size;
  }

  /** `deadline`: ms since epoch; whatever is still open then is cut. */
  async drain(server: Server, deadline: number): Promise<void> {
    server.close();
    for (const res of this.open) {
      if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) {
        res.write(SSE_RECONNECT_HINT);
        res.end();
      } else if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    while (this.open.size && Date.now() < deadline) {
      server.closeIdleConnections();
      await new Promise((r) => setTimeout(r, 25));
    }
    server.closeAllConnections();
  }
}
