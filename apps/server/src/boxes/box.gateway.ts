import { type BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, type OnGatewayDisconnect, type OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { type ClientToServerEvents, type JoinAck, type PresenceUser, type ServerToClientEvents, boxRoom } from '@genbox/contracts';
import type { Server, Socket } from 'socket.io';
import { z } from 'zod';
import { TokenService } from '../auth/token.service.js';
import { RequestLimits } from '../auth/request-limits.js';
import { TokenRevocations } from '../auth/token-revocations.js';
import { type TokenAccess, requireScope, requireTokenBox } from '../common/access-context.js';
import type { AppError } from '../common/app-error.js';
import { BoxesRepository } from '../boxes/boxes.repository.js';
import { isUuid } from '../common/is-uuid.js';
import { RateLimitedError } from '../common/rate-limiter.js';
import { userRoom } from '../realtime/realtime.publisher.js';

/** `viewing`: box id → the asset open in this socket's detail view (a plain object: remote nodes read it through the adapter). */
interface SocketData { user: Omit<PresenceUser, 'viewing'>; boxes: Set<string>; viewing: Record<string, string>; access: TokenAccess }
type BoxServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type BoxSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** How long presence changes of one box are gathered before one read and broadcast, in ms. */
const PRESENCE_COALESCE_MS = 50;

const JoinBody = z.object({ box_id: z.string() });
const ViewBody = z.object({ box_id: z.string(), asset_id: z.string().nullable() });

/**
 * Handshake auth, joins and presence. Broadcasting is the publisher's job. The token is checked
 * in a socket.io middleware, which runs before the connection is accepted (a Nest guard on
 * handleConnection would not), so a bad token ends in the client's `connect_error`.
 */
@WebSocketGateway()
export class BoxGateway implements OnGatewayInit, OnGatewayDisconnect, BeforeApplicationShutdown {
  @WebSocketServer() server!: BoxServer;
  private readonly logger = new Logger('Gateway');
  /** Set before the socket server and its Redis clients close: no more presence broadcasts. */
  private closing = false;
  private readonly presenceRounds = new Map<string, Promise<PresenceUser[]>>();

  constructor(
    private readonly tokens: TokenService,
    private readonly revocations: TokenRevocations,
    private readonly boxes: BoxesRepository,
    private readonly limits: RequestLimits,
  ) {}

  afterInit(server: BoxServer) {
    // a revoked token's sockets are disconnected at once, on whichever node holds them
    void this.revocations.listen((ids) => {
      for (const socket of server.of('/').sockets.values()) if (ids.includes(socket.data.access?.tokenId)) socket.disconnect(true);
    });
    server.use(async (socket, next) => {
      try {
        const token = (socket.handshake.auth as { token?: unknown })?.token;
        const principal = typeof token === 'string' ? await this.tokens.authenticate(token) : null;
        if (!principal) return next(new Error('unauthorized: the token is missing, invalid, revoked or expired'));
        // a connection counts as one request of its token (a reconnect storm is limited like REST)
        const refused = await this.limits.apiRequest(principal).catch((e: unknown) => {
          if (e instanceof RateLimitedError) return e;
          throw e;
        });
        if (refused) return next(new Error(`rate_limited: ${refused.message}`));
        const { user, access } = principal;
        socket.data.user = { user_id: user.id, display_name: user.display_name };
        socket.data.boxes = new Set();
        socket.data.viewing = {};
        socket.data.access = access;
        await socket.join(userRoom(user.id));
        next();
      } catch (e) {
        this.logger.error(`handshake failed: ${(e as Error).message}`);
        next(new Error('unavailable: try again'));
      }
    });
    // a removed member's sockets are taken out of the room by the publisher (socketsLeave), from
    // any process: each node then tells the box who is still looking
    server.of('/').adapter.on('leave-room', (room: string, id: string) => {
      if (!room.startsWith('box:')) return;
      const socket = server.of('/').sockets.get(id);
      const boxId = room.slice('box:'.length);
      if (!socket?.connected || !socket.data.boxes?.delete(boxId)) return;
      delete socket.data.viewing?.[boxId];
      void this.broadcastPresence(boxId).catch(() => undefined);
    });
  }

  @SubscribeMessage('box:join')
  async join(@ConnectedSocket() socket: BoxSocket, @MessageBody() body: unknown): Promise<JoinAck> {
    const parsed = JoinBody.safeParse(body);
    if (!parsed.success) return { ok: false, error: { statusCode: 400, error: 'validation_failed', message: 'box_id: is required' } };
    const boxId = parsed.data.box_id;
    // rooms are granted from membership only, and to tokens with the read scope for this box
    const role = isUuid(boxId) ? await this.boxes.roleOf(boxId, socket.data.user.user_id) : null;
    if (!role) return { ok: false, error: { statusCode: 404, error: 'not_found', message: 'Box not found' } };
    try {
      requireScope('read', socket.data.access);
      requireTokenBox(boxId, socket.data.access);
    } catch (e) {
      return { ok: false, error: (e as AppError).toBody() };
    }
    await socket.join(boxRoom(boxId));
    // read after joining: a removal committed meanwhile took nobody out of the room, so look again
    if (!(await this.boxes.roleOf(boxId, socket.data.user.user_id))) {
      await socket.leave(boxRoom(boxId));
      return { ok: false, error: { statusCode: 404, error: 'not_found', message: 'Box not found' } };
    }
    socket.data.boxes.add(boxId);
    // read after joining: every change with a higher seq reaches this socket
    const box = await this.boxes.find(boxId);
    const presence = await this.broadcastPresence(boxId);
    return { ok: true, seq: Number(box?.event_seq ?? 0), presence };
  }

  @SubscribeMessage('box:leave')
  async leave(@ConnectedSocket() socket: BoxSocket, @MessageBody() body: unknown): Promise<{ ok: boolean }> {
    const parsed = JoinBody.safeParse(body);
    if (!parsed.success) return { ok: false };
    // forgotten first, so the leave-room listener does not broadcast a second time
    socket.data.boxes.delete(parsed.data.box_id);
    delete socket.data.viewing?.[parsed.data.box_id];
    await socket.leave(boxRoom(parsed.data.box_id));
    await this.broadcastPresence(parsed.data.box_id);
    return { ok: true };
  }

  /** Which asset this socket has open: only in a box it has joined, only an asset id; the others see it in presence. */
  @SubscribeMessage('asset:view')
  async view(@ConnectedSocket() socket: BoxSocket, @MessageBody() body: unknown): Promise<void> {
    const parsed = ViewBody.safeParse(body);
    if (!parsed.success || !socket.data.boxes?.has(parsed.data.box_id)) return;
    const { box_id: boxId, asset_id: assetId } = parsed.data;
    if (assetId !== null && !isUuid(assetId)) return;
    if ((socket.data.viewing[boxId] ?? null) === assetId) return;
    if (assetId) socket.data.viewing[boxId] = assetId;
    else delete socket.data.viewing[boxId];
    await this.broadcastPresence(boxId);
  }

  beforeApplicationShutdown() {
    this.closing = true;
  }

  async handleDisconnect(socket: BoxSocket) {
    // closing disconnects every socket; their presence is nobody's news, and the adapter's Redis is going away
    if (this.closing) return;
    for (const boxId of socket.data.boxes ?? []) await this.broadcastPresence(boxId).catch(() => undefined);
  }

  /** Who is looking at the box now, on every node; several tabs of one user count once. */
  /**
   * Presence changes come in bursts (a team opening a box, a node restarting with a thousand
   * sockets): they are coalesced into one cross-node read and one broadcast per box per
   * PRESENCE_COALESCE_MS, instead of one each per join, which grew with the square of the sockets.
   */
  private broadcastPresence(boxId: string): Promise<PresenceUser[]> {
    let round = this.presenceRounds.get(boxId);
    if (!round) {
      round = new Promise((resolve) => setTimeout(resolve, PRESENCE_COALESCE_MS)).then(() => {
        // joins from here on are not certain to be in this read: they start the next round
        this.presenceRounds.delete(boxId);
        return this.readAndBroadcastPresence(boxId);
      });
      this.presenceRounds.set(boxId, round);
    }
    return round;
  }

  private async readAndBroadcastPresence(boxId: string): Promise<PresenceUser[]> {
    const sockets = await this.server.in(boxRoom(boxId)).fetchSockets();
    // one entry per person, whatever number of tabs; the assets open in any of them
    const byUser = new Map<string, PresenceUser>();
    for (const s of sockets) {
      if (!s.data.user) continue;
      const person = byUser.get(s.data.user.user_id) ?? { user_id: s.data.user.user_id, display_name: s.data.user.display_name, viewing: [] };
      const open = s.data.viewing?.[boxId];
      if (open && !person.viewing.includes(open)) person.viewing.push(open);
      byUser.set(person.user_id, person);
    }
    const presence = [...byUser.values()].sort((a, b) => a.display_name.localeCompare(b.display_name));
    // the adapter publishes without handling errors: a publish after close is an unhandled rejection
    if (this.closing) return presence;
    this.server.to(boxRoom(boxId)).emit('presence.changed', { box_id: boxId, presence });
    return presence;
  }
}
