import argon2 from 'argon2';
import type { Queryable } from '../database/database.js';

/** Said when GENBOX_ADMIN_EMAIL names someone else's account: start refuses instead of promoting it. */
export class AdminEmailTakenError extends Error {
  constructor(readonly email: string) {
    super(
      `GENBOX_ADMIN_EMAIL=${email} belongs to an existing account that is not an admin, and Genbox does not hand admin rights to an account it did not create: ` +
        `if it is yours, run \`npx genbox admin promote ${email}\` (with DATABASE_URL), or choose another GENBOX_ADMIN_EMAIL.`,
    );
  }
}

/**
 * The admin named by GENBOX_ADMIN_EMAIL/PASSWORD: created when missing; an existing admin keeps
 * being one and takes the configured password. An existing non-admin is refused: anyone may have
 * registered that email first.
 */
export async function ensureConfiguredAdmin(q: Queryable, email: string, password: string): Promise<{ id: string; created: boolean }> {
  const [found] = await q.query<{ id: string; is_admin: boolean }>('SELECT id, is_admin FROM users WHERE lower(email) = lower($1)', [email]);
  if (found && !found.is_admin) throw new AdminEmailTakenError(email);
  const hash = await argon2.hash(password);
  if (found) {
    await q.query('UPDATE users SET password_hash = $2 WHERE id = $1', [found.id, hash]);
    return { id: found.id, created: false };
  }
  const [u] = await q.query<{ id: string }>(`INSERT INTO users (email, display_name, password_hash, is_admin) VALUES ($1, 'Admin', $2, true) RETURNING id`, [email, hash]);
  return { id: u!.id, created: true };
}

/**
 * Makes an existing account an administrator: what `genbox admin promote EMAIL` runs on the
 * server host (DATABASE_URL). Answers false when no account uses that email.
 */
export async function promoteToAdmin(q: Queryable, email: string): Promise<boolean> {
  const rows = await q.query('UPDATE users SET is_admin = true WHERE lower(email) = lower($1) RETURNING id', [email]);
  return rows.length > 0;
}

/**
 * Creates an administrator account, or answers 'taken' when the email is in use: what
 * `genbox admin create EMAIL` runs (with a password it asks for).
 */
export async function createAdmin(q: Queryable, email: string, password: string, displayName = 'Admin'): Promise<{ id: string } | 'taken'> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO users (email, display_name, password_hash, is_admin) VALUES ($1, $2, $3, true) ON CONFLICT ((lower(email))) DO NOTHING RETURNING id`,
    [email.trim().toLowerCase(), displayName, await argon2.hash(password)],
  );
  return rows[0] ?? 'taken';
}
