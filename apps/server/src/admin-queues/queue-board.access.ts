import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { TokenService, tokenFromHeader } from '../auth/token.service.js';
import { UsersRepository } from '../auth/users.repository.js';
import type { Signer } from '../common/signer.js';
import type { AppConfig } from '../config/env.js';
import { CONFIG, SIGNER } from '../common/tokens.js';
import { QUEUE_BOARD_PATH } from './queue-board.js';

const COOKIE = 'genbox_queues';
const PURPOSE = 'queue-board';
/** How long a board session lasts, in ms. */
export const BOARD_SESSION_MS = 8 * 3600_000;

/**
 * Who may open the queue dashboard: an admin, by `Authorization: Bearer <token>` (scripts) or by
 * a short-lived cookie the board's Admin page gets for them (a browser page cannot send the
 * header). The cookie names the user and its expiry, signed; the user must still be an admin.
 */
@Injectable()
export class QueueBoardAccess {
  private readonly secureCookie: boolean;

  constructor(
    private readonly tokens: TokenService,
    private readonly users: UsersRepository,
    @Inject(SIGNER) private readonly signer: Signer,
    @Inject(CONFIG) config: AppConfig,
  ) {
    this.secureCookie = config.publicUrl.startsWith('https:');
  }

  /** Sets the board cookie for an admin (checked by the caller). */
  grant(res: Response, userId: string): void {
    const payload = `${userId}.${Date.now() + BOARD_SESSION_MS}`;
    res.cookie(COOKIE, `${payload}.${this.signer.sign(PURPOSE, payload)}`, { httpOnly: true, sameSite: 'strict', secure: this.secureCookie, path: QUEUE_BOARD_PATH, maxAge: BOARD_SESSION_MS });
  }

  readonly guard = (req: Request, res: Response, next: NextFunction): void => {
    this.userOf(req).then(async (userId) => {
      const user = userId ? await this.users.findById(userId) : null;
      if (!user) return refuse(res, 401, 'unauthorized', 'Log in as an admin: open Admin → Queues on the board, or send Authorization: Bearer <token>');
      if (!user.is_admin) return refuse(res, 403, 'forbidden', 'Only administrators can see the queues');
      next();
    }, next);
  };

  private async userOf(req: Request): Promise<string | null> {
    const token = tokenFromHeader(req.headers.authorization);
    if (token) {
      // a script's token must carry the admin scope, as on every admin route
      const principal = await this.tokens.authenticate(token);
      return principal?.access.scopes.includes('admin') ? principal.user.id : null;
    }
    const cookie = cookieValue(req.headers.cookie, COOKIE);
    const m = cookie ? /^([0-9a-f-]{36})\.(\d+)\.([A-Za-z0-9_-]+)$/.exec(cookie) : null;
    if (!m || Number(m[2]) < Date.now() || !this.signer.verify(PURPOSE, `${m[1]}.${m[2]}`, m[3]!)) return null;
    return m[1]!;
  }
}

function refuse(res: Response, statusCode: number, error: string, message: string): void {
  res.status(statusCode).json({ statusCode, error, message });
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}
