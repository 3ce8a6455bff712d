import { type CanActivate, type ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { TokenService, tokenFromHeader } from '../auth/token.service.js';
import { UsersRepository, type UserRow } from '../auth/users.repository.js';
import { AppError } from '../common/app-error.js';

const PUBLIC = 'genbox:public';
/** Marks a route that needs no token. */
export const Public = () => SetMetadata(PUBLIC, true);
const QUERY_TOKEN = 'genbox:query-token';
/** Also accepts the token as `?token=`, for clients that cannot set headers (EventSource). */
export const AllowQueryToken = () => SetMetadata(QUERY_TOKEN, true);

export type AuthedRequest = Request & { user: UserRow };

/** The user the request's token stands for. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthedRequest>().user);

/** Global: every route needs `Authorization: Bearer|Token <token>` unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly users: UsersRepository,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    // global guards run for socket events too; sockets are authenticated at the handshake
    if (ctx.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const fromQuery = this.reflector.getAllAndOverride<boolean>(QUERY_TOKEN, [ctx.getHandler(), ctx.getClass()]) && typeof req.query.token === 'string' ? req.query.token : null;
    const token = tokenFromHeader(req.headers.authorization) ?? fromQuery;
    if (!token) throw new AppError('unauthorized', 'Missing Authorization header: send "Bearer <token>"');
    const userId = await this.tokens.verify(token);
    const user = userId ? await this.users.findById(userId) : null;
    if (!user) throw new AppError('unauthorized', 'The token is invalid or expired: log in again');
    req.user = user;
    return true;
  }
}

export function requireAdmin(user: UserRow): void {
  if (!user.is_admin) throw new AppError('forbidden', 'Only administrators can do this');
}
