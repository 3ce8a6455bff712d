/** What a token may do: read (GET, SSE, sockets), write (everything else), admin (admin routes, for admins). */
export const TOKEN_SCOPES = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** `session`: from login or register (every scope the user has); `api`: made for a script. */
export type TokenKind = 'session' | 'api';

/** A token as listed by `GET /api/auth/tokens`; the secret itself is never shown again. */
export interface TokenDto {
  id: string;
  name: string;
  kind: TokenKind;
  scopes: TokenScope[];
  /** The boxes it is limited to; null: every box of its user. */
  box_ids: string[] | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  /** The token this request was made with. */
  current: boolean;
}

/** `POST /api/auth/tokens`: scopes default to read and write; no expiry unless asked. */
export interface CreateTokenRequest {
  name: string;
  scopes?: TokenScope[];
  box_ids?: string[];
  expires_in_days?: number;
}

/** The answer to `POST /api/auth/tokens`: the secret is shown this once. */
export interface CreatedTokenDto extends TokenDto {
  token: string;
}

/** `POST /api/auth/password`: every other session of the user ends. */
export interface ChangePasswordRequest {
  current_password: string;
  new_password: string;
}
