import type { IncomingMessage } from 'node:http';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { INestApplicationContext } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { reportRedisErrors } from '../config/redis-errors.js';

/**
 * socket.io over Redis: every API node sees events published by any process, and rooms span
 * nodes. The handshake's Origin must be PUBLIC_URL's or listed in ALLOWED_ORIGINS; clients that
 * send no Origin (scripts, other servers) are let through to the token check.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly clients: Redis[] = [];
  private readonly servers: Server[] = [];

  constructor(app: INestApplicationContext, private readonly redisUrl: string, private readonly channelKey: string, private readonly allowedOrigins: string[]) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const pub = reportRedisErrors(new Redis(this.redisUrl, { maxRetriesPerRequest: null }), 'socket.io publisher');
    const sub = reportRedisErrors(pub.duplicate(), 'socket.io subscriber');
    this.clients.push(pub, sub);
    // platform-socket.io carries its own copy of socket.io's types: same version, distinct declarations
    const server: Server = super.createIOServer(port, {
      ...(options as object),
      cors: { origin: this.allowedOrigins, credentials: true },
      allowRequest: (req: IncomingMessage, cb: (err: string | null, ok: boolean) => void) => {
        const origin = req.headers.origin;
        cb(null, !origin || this.allowedOrigins.includes(origin));
      },
    } as never);
    server.adapter(createAdapter(pub, sub, { key: this.channelKey }));
    this.servers.push(server);
    return server;
  }

  /**
   * Shutdown: tells this node's clients it is going away, then drops their connections without a
   * goodbye, so socket.io-client reconnects by itself (through the load balancer, to another node)
   * where a server-side disconnect would leave it disconnected. Resolves once they are gone.
   */
  async hintReconnect(deadline: number): Promise<void> {
    for (const server of this.servers) {
      server.local.emit('server.restarting', { reconnect_in_ms: 0 });
      for (const socket of server.of('/').sockets.values()) socket.conn.close();
    }
    while (this.servers.some((s) => s.of('/').sockets.size) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.clients.map((c) => c.quit().catch(() => undefined)));
  }
}
