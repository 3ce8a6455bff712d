import argon2 from 'argon2';
import type { Queryable } from '../database/database.js';
import { UsersRepository } from './users.repository.js';

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
  const users = new UsersRepository(q);
  const found = await users.findByEmail(email);
  if (found && !found.is_admin) throw new AdminEmailTakenError(email);
  const hash = await argon2.hash(password);
  if (found) {
    await users.setPassword(found.id, hash);
    return { id: found.id, created: false };
  }
  const made = await users.insert({ email, displayName: 'Admin', passwordHash: hash, isAdmin: true });
  if (!made) throw new AdminEmailTakenError(email); // registered between the read and the insert
  return { id: made.id, created: true };
}

/**
 * Makes an existing account an administrator: what `genbox admin promote EMAIL` runs on the
 * server host (DATABASE_URL). Answers false when no account uses that email.
 */
export async function promoteToAdmin(q: Queryable, email: string): Promise<boolean> {
  return new UsersRepository(q).promote(email);
}

/**
 * Creates an administrator account, or answers 'taken' when the email is in use: what
 * `genbox admin create EMAIL` runs (with a password it asks for).
 */
export async function createAdmin(q: Queryable, email: string, password: string, displayName = 'Admin'): Promise<{ id: string } | 'taken'> {
  const made = await new UsersRepository(q).insert({ email: email.trim().toLowerCase(), displayName, passwordHash: await argon2.hash(password), isAdmin: true });
  return made ? { id: made.id } : 'taken';
}
