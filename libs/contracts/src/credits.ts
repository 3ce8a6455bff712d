import { z } from 'zod';
import { Timestamp } from './user.js';

export const CREDIT_KINDS = ['grant', 'hold', 'capture', 'release'] as const;
/** What moved a balance (grant +amount, hold −amount, capture 0, release +amount). */
export type CreditKind = (typeof CREDIT_KINDS)[number];

/** One movement of a user's credits. */
export const CreditEntryDto = z
  .strictObject({
    id: z.string(),
    kind: z.enum(CREDIT_KINDS),
    amount: z.number().describe('Credits the movement is about; a grant may be negative (a correction)'),
    balance_after: z.number().describe("The user's spendable balance right after it"),
    asset_id: z.string().nullable().describe('The generation it is about (hold, capture, release); null for grants'),
    note: z.string().nullable(),
    granted_by: z.string().nullable().describe('The admin who granted (grants only)'),
    provider_cost: z.number().nullable().describe('What the provider itself reported the run cost, in its own unit (captures, where the provider says)'),
    provider_cost_unit: z.string().nullable(),
    created_at: Timestamp,
  })
  .meta({ id: 'CreditEntry' });
export type CreditEntryDto = z.infer<typeof CreditEntryDto>;

/** `GET /api/credits`: the spendable balance, the credits held by running generations, the newest movements. */
export const CreditsDto = z
  .strictObject({ user_id: z.string(), balance: z.number(), held: z.number(), items: z.array(CreditEntryDto), next_cursor: z.string().nullable() })
  .meta({ id: 'Credits' });
export type CreditsDto = z.infer<typeof CreditsDto>;

const Who = {
  user_id: z.string().uuid('must be a user id').optional(),
  email: z.string().trim().email('must be an email address').optional(),
};

/** `GET /api/credits` and `/api/credits/ledger`: admins may name another user. */
export const CreditsQuery = z.object({
  ...Who,
  cursor: z.string().regex(/^\d+$/, 'must be the next_cursor of a previous page').optional(),
  limit: z.coerce.number<number>().int().min(1).max(200).optional(),
});
export type CreditsQuery = z.input<typeof CreditsQuery>;

/** `POST /api/admin/credits`: name the user by id or email; amount may be negative (never below zero). */
export const GrantCreditsRequest = z
  .object({
    ...Who,
    amount: z.number().finite().refine((n) => n !== 0, 'must not be zero').refine((n) => Math.abs(n) < 1e10, 'is too large'),
    note: z.string().trim().max(200).optional(),
  })
  .refine((b) => !!b.user_id !== !!b.email, { message: 'name the user with exactly one of user_id or email', path: ['user_id'] })
  .meta({ examples: [{ email: 'ada@example.com', amount: 100, note: 'December budget' }] });
export type GrantCreditsRequest = z.input<typeof GrantCreditsRequest>;

/** Answer of a grant: the user's new balance and the ledger entry written. */
export const GrantCreditsResponse = z.strictObject({ user_id: z.string(), email: z.string(), balance: z.number(), entry: CreditEntryDto });
export type GrantCreditsResponse = z.infer<typeof GrantCreditsResponse>;

/** Body of the 402 a generation gets when the balance is short. */
export const InsufficientCreditsBody = z
  .strictObject({ statusCode: z.literal(402), error: z.literal('insufficient_credits'), message: z.string(), balance: z.number(), cost: z.number() })
  .meta({ id: 'InsufficientCredits' });
export type InsufficientCreditsBody = z.infer<typeof InsufficientCreditsBody>;

/** Socket event to the user's own sockets whenever their balance or held credits change. */
export interface CreditsChangedEvent { user_id: string; balance: number; held: number }
