import { type CallHandler, type CanActivate, type ExecutionContext, Injectable, type NestInterceptor, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { TokenScope } from '@genbox/contracts';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { RequestLimits } from './request-limits.js';
import { type Principal, TokenService, tokenFromHeader } from './token.service.js';
import type { UserRow } from './users.repository.js';
import { AppError } from '../common/app-error.js';
import { currentAccess, requireScope, runWithAccess } from '../common/access-context.js';

const PUBLIC = 'genbox:public';
/** Marks a route that needs no token. */
export const Public = () => SetMetadata(PUBLIC, true);
const QUERY_TOKEN = 'genbox:query-token';
/** Also accepts the token as `?token=`, for clients that cannot set headers (EventSource). */
export const AllowQueryToken = () => SetMetadata(QUERY_TOKEN, true);
const SCOPE = 'genbox:scope';
/**
 * The scope a route needs, when its method does not say it (GET/HEAD: read, others: write);
 * null: any live token will do (logging out, for one).
 */
export const NeedsScope = (scope: TokenScope | null) => SetMetadata(SCOPE, scope);

export type AuthedRequest = Request & { user: UserRow; principal?: Principal };

/** The user the request's token stands for. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthedRequest>().user);
/** The user and what the request's token may do. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthedRequest>().principal!);

/**
 * Global: every route needs `Authorization: Bearer|Token <token>` unless marked @Public(), the
 * token and its user must be within their request allowance (429 otherwise), and the token must
 * have the route's scope (403 naming it otherwise).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly limits: RequestLimits,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    // global guards run for socket events too; sockets are authenticated at the handshake
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const fromQuery = this.reflector.getAllAndOverride<boolean>(QUERY_TOKEN, targets) && typeof req.query.token === 'string' ? req.query.token : null;
    const token = tokenFromHeader(req.headers.authorization) ?? fromQuery;
    if (!token) throw new AppError('unauthorized', 'Missing Authorization header: send "Bearer <token>"');
    const principal = await this.tokens.authenticate(token);
    if (!principal) throw new AppError('unauthorized', 'The token is invalid, revoked or expired: log in again');
    await this.limits.apiRequest(principal);
    const declared = this.reflector.getAllAndOverride<TokenScope | null | undefined>(SCOPE, targets);
    const needed = declared === undefined ? (req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'write') : declared;
    if (needed) requireScope(needed, principal.access);
    req.user = principal.user;
    req.principal = principal;
    return true;
  }
}

/** Runs the route inside its token's access (see access-context), so box checks anywhere below can read it. */
@Injectable()
export class AccessContextInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const access = ctx.getType() === 'http' ? (ctx.switchToHttp().getRequest<AuthedRequest>().principal?.access ?? null) : null;
    // subscribing inside run(): the handler is called on subscription, so it and all it awaits see the access
    return new Observable((subscriber) => runWithAccess(access, () => next.handle().subscribe(subscriber)));
  }
}

/** Admin routes: an admin, with a token that has the admin scope. */
export function requireAdmin(user: UserRow): void {
  if (!user.is_admin) throw new AppError('forbidden', 'Only administrators can do this');
  requireScope('admin', currentAccess());
}
