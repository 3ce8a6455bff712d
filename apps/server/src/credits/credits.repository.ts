import { Inject, Injectable } from '@nestjs/common';
import type { CreditEntryDto, CreditKind } from '@genbox/contracts';
import { DATABASE } from '../common/tokens.js';
import type { Database } from '../database/database.js';

interface EntryRow {
  id: string; user_id: string; kind: CreditKind; amount: string; balance_after: string; asset_id: string | null; granted_by: string | null;
  note: string | null; provider_cost: string | null; provider_cost_unit: string | null; created_at: Date;
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));

export const toEntryDto = (r: EntryRow): CreditEntryDto => ({
  id: r.id, kind: r.kind, amount: Number(r.amount), balance_after: Number(r.balance_after), asset_id: r.asset_id, note: r.note,
  granted_by: r.granted_by, provider_cost: num(r.provider_cost), provider_cost_unit: r.provider_cost_unit, created_at: r.created_at.toISOString(),
});

/**
 * Balances and the ledger. Holds, captures and releases are written by the triggers of the
 * credits migration, in the transaction of the asset change that causes them; grants are here.
 */
@Injectable()
export class CreditsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Spendable balance and credits held by running generations; null for an unknown user. */
  async balance(userId: string): Promise<{ balance: number; held: number } | null> {
    const [r] = await this.db.query<{ credits: string; held: string }>(
      `SELECT u.credits, coalesce((SELECT sum(amount) FROM credit_holds h WHERE h.user_id = u.id), 0) AS held FROM users u WHERE u.id = $1`,
      [userId],
    );
    return r ? { balance: Number(r.credits), held: Number(r.held) } : null;
  }

  /** Newest first; `before`: the id of the last entry of the previous page. */
  async ledger(userId: string, limit: number, before?: string): Promise<CreditEntryDto[]> {
    const rows = await this.db.query<EntryRow>(
      `SELECT * FROM credit_ledger WHERE user_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint) ORDER BY id DESC LIMIT $3`,
      [userId, before ?? null, limit],
    );
    return rows.map(toEntryDto);
  }

  /**
   * Adds `amount` (negative takes away) and writes the entry, in one statement; null when it
   * would leave the balance below zero (nothing changes then).
   */
  async grant(userId: string, amount: number, grantedBy: string, note: string | null): Promise<CreditEntryDto | null> {
    const [r] = await this.db.query<EntryRow>(
      `WITH u AS (UPDATE users SET credits = credits + $2 WHERE id = $1 AND credits + $2 >= 0 RETURNING id, credits)
       INSERT INTO credit_ledger (user_id, kind, amount, balance_after, granted_by, note)
       SELECT u.id, 'grant', $2, u.credits, $3, $4 FROM u RETURNING *`,
      [userId, amount, grantedBy, note],
    );
    return r ? toEntryDto(r) : null;
  }

  /** Writes what the provider reported a finished run cost beside the capture of its credits. */
  async recordProviderCost(assetId: string, cost: number, unit: string): Promise<void> {
    await this.db.query(
      `UPDATE credit_ledger SET provider_cost = $2, provider_cost_unit = $3
       WHERE id = (SELECT max(id) FROM credit_ledger WHERE asset_id = $1 AND kind = 'capture')`,
      [assetId, cost, unit],
    );
  }
}
