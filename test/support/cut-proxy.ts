// A TCP relay between a browser and a server that can drop every connection at once, as a flaky
// link does, and that counts the bytes it hands to the server (so "not sent twice" is measured).
import { type Server, type Socket, connect, createServer } from 'node:net';

export interface CutProxy {
  /** Bytes forwarded to the server so far, over every connection. */
  bytesToServer(): number;
  /** Calls `fn` once, the first time the bytes forwarded to the server reach `total`. */
  whenForwarded(total: number, fn: () => void): void;
  /** Destroys every open connection and refuses new ones for `downMs` (the link is down), then lets them through again. */
  cut(downMs: number): void;
  close(): Promise<void>;
}

/**
 * Listens on `port` (127.0.0.1) and relays to `target`. Bytes towards the server go at most
 * `bytesPerSecond` (over all connections together), so a local upload takes long enough to be
 * watched; answers are not slowed.
 */
export async function startCutProxy(port: number, target: number, bytesPerSecond: number): Promise<CutProxy> {
  const sockets = new Set<Socket>();
  let forwarded = 0;
  let downUntil = 0;
  const waiters: { total: number; fn: () => void }[] = [];
  // the rate: the time by which everything forwarded so far may have gone
  let budgetAt = Date.now();

  const server: Server = createServer((client) => {
    if (Date.now() < downUntil) return void client.destroy();
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      forwarded += chunk.length;
      for (const w of waiters.filter((w) => forwarded >= w.total)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.fn();
      }
      budgetAt = Math.max(budgetAt, Date.now()) + (chunk.length / bytesPerSecond) * 1000;
      const wait = budgetAt - Date.now();
      if (wait > 5) {
        client.pause();
        setTimeout(() => client.resume(), wait);
      }
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));

  return {
    bytesToServer: () => forwarded,
    whenForwarded: (total, fn) => void waiters.push({ total, fn }),
    cut(downMs) {
      downUntil = Date.now() + downMs;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
