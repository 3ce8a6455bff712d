import { Inject, Injectable } from '@nestjs/common';
import type { UserDto } from '@genbox/contracts';
import type { Queryable } from '../database/database.js';
import { DATABASE } from '../common/tokens.js';

export interface UserRow {
  id: string;
  email: string;
  display_name: string;
  password_hash: string;
  is_admin: boolean;
  created_at: Date;
  /** numeric: pg answers a string */
  credits: string;
}

export const toUserDto = (u: UserRow): UserDto => ({
  id: u.id,
  email: u.email,
  display_name: u.display_name,
  is_admin: u.is_admin,
  created_at: u.created_at.toISOString(),
  credits: Number(u.credits),
});

/**
 * Every statement on `users`. It takes any Queryable, not only the pool, so the `genbox admin`
 * command (a bare pg client) and the start-up seed (inside its transaction) use the same SQL.
 */
@Injectable()
export class UsersRepository {
  constructor(@Inject(DATABASE) private readonly db: Queryable) {}

  async findById(id: string): Promise<UserRow | null> {
    const rows = await this.db.query('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] ?? null;
  }

  async findByEmail(email: string): Promise<UserRow | null> {
    const rows = await this.db.query('SELECT * FROM users WHERE lower(email) = lower($1)', [email]);
    return rows[0] ?? null;
  }

  /** Inserts, or returns null when the email is taken (case-insensitively). */
  async insert(u: { email: string; displayName: string; passwordHash: string; isAdmin?: boolean }): Promise<UserRow | null> {
    const rows = await this.db.query(
      `INSERT INTO users (email, display_name, password_hash, is_admin) VALUES ($1, $2, $3, $4)
       ON CONFLICT ((lower(email))) DO NOTHING RETURNING *`,
      [u.email, u.displayName, u.passwordHash, u.isAdmin ?? false],
    );
    return rows[0] ?? null;
  }

  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
  }

  /** Makes the account an administrator; false when no account uses that email. */
  async promote(email: string): Promise<boolean> {
    const rows = await this.db.query('UPDATE users SET is_admin = true WHERE lower(email) = lower($1) RETURNING id', [email]);
    return rows.length > 0;
  }
}
