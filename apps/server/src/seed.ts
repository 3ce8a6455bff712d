import { LOCAL_MODELS, LOCAL_PROVIDER } from '@genbox/providers';
import argon2 from 'argon2';
import { ensureConfiguredAdmin } from './auth/admin-accounts.js';
import type { Database } from './database/database.js';

export const DEMO_USER = { email: 'demo@genbox.local', password: 'genbox-demo', displayName: 'Demo' };
/** Credits the demo user starts with, granted once when it is created. */
export const DEMO_CREDITS = 1000;

/**
 * What a fresh install needs: the built-in `local` provider and its models (kept in step with
 * the code on every start), the admin from GENBOX_ADMIN_EMAIL/PASSWORD, and — for the embedded
 * default, on an empty database only — a demo user (an admin only with DEMO_ADMIN) who owns a demo
 * box. An account someone registered under the demo email is never touched. Runs under an advisory
 * lock so processes starting together seed once. `demo` says whether the demo login printed at
 * start still works (the account exists with its published password).
 */
export async function seed(db: Database, opts: { admin: { email: string; password: string } | null; demo: boolean; demoAdmin?: boolean }): Promise<{ demo: boolean }> {
  return db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock(727001)');
    const [provider] = await q.query<{ id: string }>(
      `INSERT INTO ai_providers (name, kind, base_url, max_concurrency, is_active) VALUES ($1, 'local', NULL, $2, true)
       ON CONFLICT (name) DO UPDATE SET kind = 'local' RETURNING id`,
      [LOCAL_PROVIDER.name, LOCAL_PROVIDER.max_concurrency],
    );
    for (const m of LOCAL_MODELS) {
      await q.query(
        `INSERT INTO ai_models (provider_id, name, slug, model_type, input_type, parameters_schema, cost)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, model_type = excluded.model_type, input_type = excluded.input_type, parameters_schema = excluded.parameters_schema`,
        [provider!.id, m.name, m.slug, m.model_type, m.input_type, JSON.stringify(m.parameters_schema), m.cost],
      );
    }
    // read before the configured admin is made: "empty" means nobody has an account yet
    const [{ n: users }] = (await q.query<{ n: number }>('SELECT count(*)::int AS n FROM users')) as [{ n: number }];
    if (opts.admin) await ensureConfiguredAdmin(q, opts.admin.email, opts.admin.password);
    if (!opts.demo) return { demo: false };
    if (users === 0) {
      const [demo] = await q.query<{ id: string }>(
        'INSERT INTO users (email, display_name, password_hash, is_admin) VALUES ($1, $2, $3, $4) RETURNING id',
        [DEMO_USER.email, DEMO_USER.displayName, await argon2.hash(DEMO_USER.password), !!opts.demoAdmin],
      );
      const [b] = await q.query<{ id: string }>(`INSERT INTO boxes (name, owner_id) VALUES ('Demo box', $1) RETURNING id`, [demo!.id]);
      await q.query(`INSERT INTO box_members (box_id, user_id, role) VALUES ($1, $2, 'owner')`, [b!.id, demo!.id]);
      await q.query(
        `WITH u AS (UPDATE users SET credits = credits + $2 WHERE id = $1 RETURNING id, credits)
         INSERT INTO credit_ledger (user_id, kind, amount, balance_after, note) SELECT id, 'grant', $2, credits, 'demo credits' FROM u`,
        [demo!.id, DEMO_CREDITS],
      );
      return { demo: true };
    }
    const [existing] = await q.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE lower(email) = lower($1)', [DEMO_USER.email]);
    return { demo: !!existing && (await argon2.verify(existing.password_hash, DEMO_USER.password).catch(() => false)) };
  });
}
