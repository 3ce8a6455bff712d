import { z } from 'zod';
import { Timestamp } from './user.js';

/** What a token may do: read (GET, SSE, sockets), write (everything else), admin (admin routes, for admins). */
export const TOKEN_SCOPES = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** `session`: from login or register (every scope the user has); `api`: made for a script. */
export const TOKEN_KINDS = ['session', 'api'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

const TOKEN_EXAMPLE = {
  id: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a', name: 'nightly render script', kind: 'api', scopes: ['read', 'write'], box_ids: null,
  created_at: '2026-12-02T08:00:00.000Z', last_used_at: '2026-12-02T09:14:00.000Z', expires_at: '2027-03-02T08:00:00.000Z', current: false,
} as const;

/** A token as listed by `GET /api/auth/tokens`; the secret itself is never shown again. */
export const TokenDto = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    kind: z.enum(TOKEN_KINDS),
    scopes: z.array(z.enum(TOKEN_SCOPES)),
    box_ids: z.array(z.string()).nullable().describe('The boxes it is limited to; null: every box of its user'),
    created_at: Timestamp,
    last_used_at: Timestamp.nullable(),
    expires_at: Timestamp.nullable(),
    current: z.boolean().describe('The token this request was made with'),
  })
  .meta({ id: 'Token', examples: [TOKEN_EXAMPLE] });
export type TokenDto = z.infer<typeof TokenDto>;

/** `POST /api/auth/tokens`: scopes default to read and write; no expiry unless asked. */
export const CreateTokenRequest = z
  .object({
    name: z.string().trim().min(1, 'is required').max(80),
    scopes: z.array(z.enum(TOKEN_SCOPES)).min(1, 'needs at least one of read, write, admin').max(3).optional(),
    box_ids: z.array(z.string().uuid('must be box ids')).min(1, 'leave it out for every box').max(100).optional(),
    expires_in_days: z.number().int().min(1, 'must be 1 to 3650').max(3650, 'must be 1 to 3650').optional(),
  })
  .meta({ examples: [{ name: 'nightly render script', scopes: ['read', 'write'], expires_in_days: 90 }] });
export type CreateTokenRequest = z.input<typeof CreateTokenRequest>;

/** The answer to `POST /api/auth/tokens`: the secret is shown this once; only its hash is kept. */
export const CreatedToken = TokenDto.extend({ token: z.string() }).meta({
  examples: [{ ...TOKEN_EXAMPLE, last_used_at: null, token: 'gbt_q8Zr2vK1mXcY7tWb4nLp0sJd6hFe3aGu' }],
});
export type CreatedToken = z.infer<typeof CreatedToken>;

/** `POST /api/auth/password`: every other session of the user ends. */
export const ChangePasswordRequest = z.object({
  current_password: z.string().min(1, 'is required').max(200),
  new_password: z.string().min(8, 'must be at least 8 characters').max(200, 'must be at most 200 characters'),
});
export type ChangePasswordRequest = z.input<typeof ChangePasswordRequest>;
