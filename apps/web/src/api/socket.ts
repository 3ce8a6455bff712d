import type { ClientToServerEvents, ServerToClientEvents } from '@genbox/contracts';
import { io, type Socket } from 'socket.io-client';

export type BoxSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let current: { token: string; socket: BoxSocket } | null = null;

/** One connection per signed-in session, shared by every board the user opens. */
export function getSocket(token: string): BoxSocket {
  if (current?.token === token) return current.socket;
  closeSocket();
  const socket: BoxSocket = io(window.location.origin, {
    path: '/socket.io',
    auth: { token },
    // websocket first: polling needs sticky sessions once several API nodes run.
    transports: ['websocket', 'polling'],
  });
  current = { token, socket };
  return socket;
}

export function closeSocket() {
  current?.socket.disconnect();
  current = null;
}
