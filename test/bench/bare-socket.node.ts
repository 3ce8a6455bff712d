// A bare socket.io node for the realtime baseline: the same socket.io, Redis adapter and channel
// layout as Genbox's API nodes, no auth, no database. Every socket joins one room; POST /emit
// {event, payload} broadcasts to that room across nodes.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';

const require = createRequire(new URL('../../apps/server/package.json', import.meta.url));
// the server's own socket.io (npm nests it under apps/server), typed as far as this file uses it
interface BareIo {
  adapter(adapter: unknown): void;
  to(room: string): { emit(event: string, payload: unknown): void };
  on(event: 'connection', listener: (socket: { join(room: string): void }) => void): void;
  close(): void;
}
const { Server } = require('socket.io') as { Server: new (server: unknown, opts: object) => BareIo };

const room = 'box:bench';
const http = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/emit') return void res.writeHead(404).end();
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const { event, payload } = JSON.parse(Buffer.concat(chunks).toString());
    io.to(room).emit(event, payload);
    res.writeHead(200).end('{}');
  });
});
const pub = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
const sub = pub.duplicate();
const io = new Server(http, { transports: ['websocket'] });
io.adapter(createAdapter(pub, sub, { key: `${process.env.PREFIX}:socket.io` }));
io.on('connection', (socket) => void socket.join(room));
http.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => {
  io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
});
