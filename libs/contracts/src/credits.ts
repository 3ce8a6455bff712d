/** What moved a balance (see docs: grant +amount, hold −amount, capture 0, release +amount). */
export type CreditKind = 'grant' | 'hold' | 'capture' | 'release';

/** One movement of a user's credits. */
export interface CreditEntryDto {
  id: string;
  kind: CreditKind;
  /** Credits the movement is about; a grant may be negative (a correction). */
  amount: number;
  /** The user's spendable balance right after it. */
  balance_after: number;
  /** The generation it is about (hold, capture, release); null for grants. */
  asset_id: string | null;
  note: string | null;
  /** The admin who granted (grants only). */
  granted_by: string | null;
  /** What the provider itself reported the run cost, in its own unit (captures, where the provider says). */
  provider_cost: number | null;
  provider_cost_unit: string | null;
  created_at: string;
}

/** `GET /api/credits`: the spendable balance, the credits held by running generations, the newest movements. */
export interface CreditsDto {
  user_id: string;
  balance: number;
  held: number;
  items: CreditEntryDto[];
  next_cursor: string | null;
}

/** `POST /api/admin/credits`: name the user by id or email; amount may be negative (never below zero). */
export interface GrantCreditsRequest {
  user_id?: string;
  email?: string;
  amount: number;
  note?: string;
}

/** Answer of a grant: the user's new balance and the ledger entry written. */
export interface GrantCreditsResponse { user_id: string; email: string; balance: number; entry: CreditEntryDto }

/** Body of the 402 a generation gets when the balance is short. */
export interface InsufficientCreditsBody { statusCode: 402; error: 'insufficient_credits'; message: string; balance: number; cost: number }

/** Socket event to the user's own sockets whenever their balance or held credits change. */
export interface CreditsChangedEvent { user_id: string; balance: number; held: number }
