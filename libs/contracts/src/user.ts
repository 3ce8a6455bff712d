import { z } from 'zod';

/** Wire dates are ISO 8601 strings. */
export const Timestamp = z.string().describe('ISO 8601 date-time');

export const UserDto = z
  .strictObject({
    id: z.string(),
    email: z.string(),
    display_name: z.string(),
    is_admin: z.boolean(),
    created_at: Timestamp,
    credits: z.number().describe('Spendable credits (what running generations hold is already taken off)'),
  })
  .meta({ id: 'User' });
export type UserDto = z.infer<typeof UserDto>;

const Email = z.string().trim().toLowerCase().email('must be an email address').max(254);
export const RegisterRequest = z
  .object({
    email: Email,
    password: z.string().min(8, 'must be at least 8 characters').max(200),
    display_name: z.string().trim().min(1, 'is required').max(80),
  })
  .meta({ examples: [{ email: 'ada@example.com', password: 'correct horse battery', display_name: 'Ada' }] });
export type RegisterRequest = z.input<typeof RegisterRequest>;

export const LoginRequest = z
  .object({ email: Email, password: z.string().min(1, 'is required') })
  .meta({ examples: [{ email: 'demo@genbox.local', password: 'genbox-demo' }] });
export type LoginRequest = z.input<typeof LoginRequest>;

export const AuthResponse = z.strictObject({ user: UserDto, token: z.string().describe('Send as `Authorization: Bearer <token>` (or `Token <token>`)') });
export type AuthResponse = z.infer<typeof AuthResponse>;

export const MeResponse = z.strictObject({ user: UserDto });
export type MeResponse = z.infer<typeof MeResponse>;
