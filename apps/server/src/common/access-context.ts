import { AsyncLocalStorage } from 'node:async_hooks';
import type { TokenKind, TokenScope } from '@genbox/contracts';
import { AppError } from './app-error.js';

/** What the token of the current request may do. */
export interface TokenAccess {
  tokenId: string;
  kind: TokenKind;
  scopes: readonly TokenScope[];
  /** The boxes the token is limited to; null: every box of its user. */
  boxIds: readonly string[] | null;
}

const storage = new AsyncLocalStorage<TokenAccess | null>();

/**
 * Runs fn with `access` as the current token's: the box checks deep inside services read it
 * without every call passing it along. Work outside a request (jobs, seed) runs with none, which
 * box checks read as "no token limits" — membership still applies.
 */
export const runWithAccess = <T>(access: TokenAccess | null, fn: () => T): T => storage.run(access, fn);

export const currentAccess = (): TokenAccess | null => storage.getStore() ?? null;

/** 403 naming the scope, when the current token lacks it. */
export function requireScope(scope: TokenScope, access: TokenAccess | null = currentAccess()): void {
  if (access && !access.scopes.includes(scope)) throw new AppError('missing_scope', `This token lacks the "${scope}" scope (it has: ${access.scopes.join(', ') || 'none'})`);
}

/** 403 when the current token is limited to other boxes. */
export function requireTokenBox(boxId: string, access: TokenAccess | null = currentAccess()): void {
  if (access?.boxIds && !access.boxIds.includes(boxId)) throw new AppError('missing_scope', 'This token is limited to other boxes (box_ids)');
}
