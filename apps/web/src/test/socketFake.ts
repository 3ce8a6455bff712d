import type { JoinAck } from '@genbox/contracts';

type Listener = (...args: any[]) => void;

/** Just enough of a socket.io client for a board: listeners, box:join acks, and server pushes. */
export function createSocketFake(joinAck: () => JoinAck) {
  const listeners = new Map<string, Set<Listener>>();
  const emitted: { event: string; payload: unknown }[] = [];
  const socket = {
    connected: true,
    on(event: string, fn: Listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(fn);
      return socket;
    },
    off(event: string, fn: Listener) {
      listeners.get(event)?.delete(fn);
      return socket;
    },
    emit(event: string, payload: unknown, ack?: (r: JoinAck) => void) {
      emitted.push({ event, payload });
      if (event === 'box:join') queueMicrotask(() => ack?.(joinAck()));
      return socket;
    },
    timeout() {
      return { emit: (event: string, payload: unknown, ack: (err: Error | null, r: JoinAck) => void) => socket.emit(event, payload, (r) => ack(null, r)) };
    },
  };
  /** Delivers a server → client event to every listener. */
  const push = (event: string, payload?: unknown) => listeners.get(event)?.forEach((fn) => fn(payload));
  const listenerCount = () => [...listeners.values()].reduce((n, s) => n + s.size, 0);
  return { socket, push, emitted, listenerCount };
}
