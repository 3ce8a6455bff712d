import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import type { HttpDrain } from './http-drain.js';
import type { ShutdownState } from './shutdown-state.js';

export interface DrainParts {
  state: ShutdownState;
  http: HttpDrain;
  server: Server;
  /** API nodes: the socket.io side (tells clients to reconnect elsewhere, then drops them). */
  sockets?: { hintReconnect(deadline: number): Promise<void> } | null;
  /** Workers: stops taking jobs, lets running ones finish, hands back the rest. */
  worker?: { drain(deadline: number): Promise<void> } | null;
  /** How long the drain may take, in ms. */
  graceMs: number;
}

const logger = new Logger('Shutdown');

/**
 * The first half of a graceful stop (SIGTERM): readiness turns 503, the node takes no new
 * connection or job, socket and event-stream clients are told to reconnect elsewhere, and what is
 * in flight (requests, jobs) gets `graceMs` to finish; jobs still running then are handed back.
 * Nest's own shutdown (queues, connections) follows.
 */
export async function drainProcess(p: DrainParts): Promise<void> {
  p.state.begin();
  const started = Date.now();
  const deadline = started + p.graceMs;
  logger.log(`shutting down: draining for up to ${p.graceMs} ms`);
  await Promise.all([p.sockets?.hintReconnect(deadline), p.http.drain(p.server, deadline), p.worker?.drain(deadline)]);
  logger.log(`drained in ${Date.now() - started} ms`);
}
