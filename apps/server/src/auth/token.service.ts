import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CreateTokenRequest, CreatedToken, TokenDto, TokenScope } from '@genbox/contracts';
import type { AppConfig } from '../config/env.js';
import { CONFIG } from '../common/tokens.js';
import { AppError } from '../common/app-error.js';
import type { TokenAccess } from '../common/access-context.js';
import { PrincipalCache } from './principal-cache.js';
import { TokenRevocations } from './token-revocations.js';
import { TokensRepository, toTokenDto } from './tokens.repository.js';
import type { UserRow } from './users.repository.js';

const SESSION_PREFIX = 'gbs_';
const API_PREFIX = 'gbt_';
const SESSION_SCOPES: TokenScope[] = ['read', 'write', 'admin'];

/** Who a bearer token stands for, and what it may do. */
export interface Principal { user: UserRow; access: TokenAccess }

/**
 * Bearer tokens: sessions (from login/register) and API tokens (for scripts), both random and
 * stored as SHA-256 hashes, so each one can be listed and revoked, and a revoked one is refused
 * on the very next request.
 */
@Injectable()
export class TokenService {
  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly tokens: TokensRepository,
    private readonly revocations: TokenRevocations,
    private readonly cache: PrincipalCache,
  ) {}

  async issueSession(userId: string): Promise<string> {
    const token = SESSION_PREFIX + randomBytes(32).toString('base64url');
    await this.tokens.insert({ userId, name: 'Login session', kind: 'session', hash: hashToken(token), scopes: SESSION_SCOPES, boxIds: null, expiresAt: new Date(Date.now() + this.config.tokenTtlMs) });
    return token;
  }

  /** The user and access a token stands for, or null (unknown, revoked, expired). */
  async authenticate(token: string): Promise<Principal | null> {
    if (!token.startsWith(SESSION_PREFIX) && !token.startsWith(API_PREFIX)) return null;
    const hash = hashToken(token);
    let found = this.cache.get(hash);
    // a hit is trusted only once Redis's count of revocations says nothing was revoked since
    // (and the count must be known before anything may be remembered)
    if (found || !this.cache.knowsRevocations) {
      await this.cache.checkRevocations();
      found = this.cache.get(hash);
    }
    if (!found) {
      const since = this.cache.epoch;
      found = await this.tokens.findLive(hash);
      if (!found) return null;
      await this.cache.put(hash, found, since);
    }
    const { token: t, user } = found;
    // last use is kept to the minute: one write a minute per token, not one per request
    if (!t.last_used_at || Date.now() - t.last_used_at.getTime() > 60_000) {
      t.last_used_at = new Date();
      await this.tokens.touch(t.id);
    }
    return { user, access: { tokenId: t.id, kind: t.kind, scopes: t.scopes, boxIds: t.box_ids } };
  }

  /** A token for a script: its scopes and boxes can only narrow what the caller's own token may do. */
  async createApiToken(caller: Principal, input: Required<Pick<CreateTokenRequest, 'name'>> & CreateTokenRequest): Promise<CreatedToken> {
    const scopes = [...new Set(input.scopes ?? (['read', 'write'] as TokenScope[]))];
    if (scopes.includes('admin') && !caller.user.is_admin) throw new AppError('forbidden', 'Only administrators can make a token with the "admin" scope');
    const beyond = scopes.filter((s) => !caller.access.scopes.includes(s));
    if (beyond.length) throw new AppError('missing_scope', `This token lacks the "${beyond[0]}" scope, so it cannot make a token that has it`);
    const boxIds = input.box_ids ? [...new Set(input.box_ids)] : caller.access.boxIds ? [...caller.access.boxIds] : null;
    if (caller.access.boxIds && boxIds!.some((b) => !caller.access.boxIds!.includes(b))) throw new AppError('missing_scope', 'This token is limited to other boxes (box_ids)');
    const token = API_PREFIX + randomBytes(24).toString('base64url');
    const expiresAt = input.expires_in_days ? new Date(Date.now() + input.expires_in_days * 86_400_000) : null;
    const row = await this.tokens.insert({ userId: caller.user.id, name: input.name, kind: 'api', hash: hashToken(token), scopes, boxIds, expiresAt });
    return { ...toTokenDto(row, caller.access.tokenId), token };
  }

  async list(caller: Principal): Promise<TokenDto[]> {
    return (await this.tokens.listLive(caller.user.id)).map((t) => toTokenDto(t, caller.access.tokenId));
  }

  /** Revokes one of the caller's tokens; its sockets and event streams end at once, on every node. */
  async revoke(caller: Principal, tokenId: string): Promise<void> {
    if (!(await this.tokens.revoke(caller.user.id, tokenId))) throw new AppError('not_found', 'Token not found');
    this.cache.forget([tokenId]);
    await this.revocations.announce([tokenId]);
  }

  /** Ends every session of the user but `keep` (after a password change). */
  async endOtherSessions(userId: string, keep: string | null): Promise<void> {
    const ids = await this.tokens.revokeOtherSessions(userId, keep);
    this.cache.forget(ids);
    await this.revocations.announce(ids);
  }
}

const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');

/** Reads `Bearer x` or `Token x`. */
export function tokenFromHeader(header: string | undefined): string | null {
  const m = /^(?:Bearer|Token)\s+(\S+)$/i.exec(header?.trim() ?? '');
  return m ? m[1]! : null;
}
