import { Injectable } from '@nestjs/common';
import type { TokenRow } from './tokens.repository.js';
import type { UserRow } from './users.repository.js';
import { TokenRevocations } from './token-revocations.js';

/** How long a looked-up token is trusted without asking PostgreSQL again (revocations end it sooner). */
const TRUST_MS = 10_000;
const MAX_ENTRIES = 10_000;

export interface LiveToken { token: TokenRow; user: UserRow }
interface Entry extends LiveToken { until: number }

/**
 * The live tokens this node has looked up lately, by hash. Reading the token and its user was one
 * PostgreSQL round trip per request — as much as the list page itself. Correctness rests on
 * revocation: a revoke (or a password change) drops the entries on this node before it answers,
 * and on every other node when the Redis announcement arrives (the same one that ends their sockets
 * and event streams); if that link broke, everything is dropped when it is back, and nothing is
 * trusted longer than TRUST_MS. Expiry is checked on every hit.
 *
 * The announcement alone is not "at once": a client told "revoked" by one node may reach another
 * before the message does. So a hit is trusted only after checkRevocations(): Redis counts every
 * announcement, and when the count moved since the entries were read, they are all dropped (one
 * small GET per hit, instead of the PostgreSQL read the cache saves).
 */
@Injectable()
export class PrincipalCache {
  private readonly byHash = new Map<string, Entry>();
  private listening = false;
  /**
   * Bumped by every revocation heard. A lookup that began before one may have read the token
   * before it was revoked: its answer is used once but not remembered (see put's `since`).
   */
  private revocationsHeard = 0;

  /** Redis's count of announced revocations when the entries were read; null: not known. */
  private announced: number | null = null;

  /** Whether Redis's count of revocations has been read (nothing is remembered before). */
  get knowsRevocations(): boolean {
    return this.announced !== null;
  }

  /** Pass to put(): the moment a lookup begins. */
  get epoch(): number {
    return this.revocationsHeard;
  }

  constructor(private readonly revocations: TokenRevocations) {}

  get(hash: string, now = Date.now()): LiveToken | null {
    const e = this.byHash.get(hash);
    if (!e) return null;
    if (e.until <= now || (e.token.expires_at && e.token.expires_at.getTime() <= now)) {
      this.byHash.delete(hash);
      return null;
    }
    return e;
  }

  /**
   * Remembers a token PostgreSQL just said is live (the first time, starts listening for revocations).
   * Nothing is remembered while revocations cannot reach this node.
   */
  async put(hash: string, live: LiveToken, since: number): Promise<void> {
    if (!this.listening) {
      this.listening = true;
      await this.revocations.listen((ids) => this.forget(ids), () => {
        this.revocationsHeard++;
        this.byHash.clear();
      });
    }
    if (!this.revocations.live || this.announced === null || since !== this.revocationsHeard) return;
    if (this.byHash.size >= MAX_ENTRIES) this.byHash.delete(this.byHash.keys().next().value!);
    this.byHash.set(hash, { ...live, until: Date.now() + TRUST_MS });
  }

  /**
   * Drops every entry when a revocation was announced anywhere since they were read, or when Redis
   * cannot say; call before trusting a hit.
   */
  async checkRevocations(): Promise<void> {
    const count = await this.revocations.count();
    if (count !== null && count === this.announced) return;
    this.announced = count;
    this.revocationsHeard++; // lookups that began before are not remembered
    this.byHash.clear();
  }

  /** Drops the tokens with these ids. */
  forget(tokenIds: readonly string[]): void {
    if (!tokenIds.length) return;
    this.revocationsHeard++;
    const ids = new Set(tokenIds);
    for (const [hash, e] of this.byHash) if (ids.has(e.token.id)) this.byHash.delete(hash);
  }
}
