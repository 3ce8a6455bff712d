import { Inject, Injectable } from '@nestjs/common';
import type { CreditEntryDto, CreditKind } from '@genbox/contracts';
import type { ProviderCost } from '@genbox/providers';
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

  /** Models that cost something: only their generations hold credits. */
  async costedModelIds(): Promise<Set<string>> {
    return new Set((await this.db.query<{ id: string }>('SELECT id FROM ai_models WHERE cost > 0')).map((r) => r.id));
  }

  /** Whose credits the deletion of this asset gave back, if it did. */
  async releasedTo(assetId: string): Promise<string | null> {
    const [r] = await this.db.query<{ user_id: string }>(`SELECT user_id FROM credit_ledger WHERE asset_id = $1 AND kind = 'release' ORDER BY id DESC LIMIT 1`, [assetId]);
    return r?.user_id ?? null;
  }

  /** Newest first; `before`: the id of the last entry of the previous page. */
  async ledger(userId: string, limit: number, before?: string): Promise<CreditEntryDto[]> {
    // a capture shows what the provider reported for that run (its latest attempt), when it did
    const rows = await this.db.query<EntryRow>(
      `SELECT l.*, pc.provider_cost, pc.provider_cost_unit FROM credit_ledger l
       LEFT JOIN LATERAL (SELECT provider_cost, provider_cost_unit FROM provider_costs p WHERE p.asset_id = l.asset_id AND l.kind = 'capture' ORDER BY attempt DESC LIMIT 1) pc ON true
       WHERE l.user_id = $1 AND ($2::bigint IS NULL OR l.id < $2::bigint) ORDER BY l.id DESC LIMIT $3`,
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
       SELECT u.id, 'grant', $2, u.credits, $3, $4 FROM u RETURNING *, NULL AS provider_cost, NULL AS provider_cost_unit`,
      [userId, amount, grantedBy, note],
    );
    return r ? toEntryDto(r) : null;
  }

  /** What the provider reported this attempt of the asset cost, beside its model's cost here; a repeat (poll and callback) keeps the first. */
  async recordProviderCost(assetId: string, attempt: number, cost: ProviderCost): Promise<void> {
    await this.db.query(
      `INSERT INTO provider_costs (asset_id, attempt, model_id, our_cost, provider_cost, provider_cost_unit)
       SELECT a.id, $2, a.model_id, coalesce(m.cost, 0), $3, $4 FROM assets a LEFT JOIN ai_models m ON m.id = a.model_id WHERE a.id = $1
       ON CONFLICT (asset_id, attempt) DO NOTHING`,
      [assetId, attempt, cost.amount, cost.unit],
    );
  }
}
