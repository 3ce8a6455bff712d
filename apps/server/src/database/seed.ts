import { LOCAL_MODELS, LOCAL_PROVIDER } from '@genbox/providers';
import argon2 from 'argon2';
import type { Database } from './database.js';

export const DEMO_USER = { email: 'demo@genbox.local', password: 'genbox-demo', displayName: 'Demo' };
/** Credits the demo user starts with, granted once when it is created. */
export const DEMO_CREDITS = 1000;

/**
 * What a fresh install needs: the built-in `local` provider and its models (kept in step with
 * the code on every start), an admin from GENBOX_ADMIN_EMAIL/PASSWORD, and — for the embedded
 * default — a demo admin who owns a demo box. Runs under an advisory lock so processes starting
 * together seed once.
 */
export async function seed(db: Database, opts: { admin: { email: string; password: string } | null; demo: boolean }): Promise<{ demoCreated: boolean }> {
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
    const ensureUser = async (email: string, password: string, displayName: string, resetPassword: boolean) => {
      const [found] = await q.query<{ id: string }>('SELECT id FROM users WHERE lower(email) = lower($1)', [email]);
      if (found) {
        if (resetPassword) await q.query('UPDATE users SET is_admin = true, password_hash = $2 WHERE id = $1', [found.id, await argon2.hash(password)]);
        else await q.query('UPDATE users SET is_admin = true WHERE id = $1', [found.id]);
        return { id: found.id, created: false };
      }
      const [u] = await q.query<{ id: string }>('INSERT INTO users (email, display_name, password_hash, is_admin) VALUES ($1, $2, $3, true) RETURNING id', [email, displayName, await argon2.hash(password)]);
      return { id: u!.id, created: true };
    };
    if (opts.admin) await ensureUser(opts.admin.email, opts.admin.password, 'Admin', true);
    if (!opts.demo) return { demoCreated: false };
    const demo = await ensureUser(DEMO_USER.email, DEMO_USER.password, DEMO_USER.displayName, false);
    if (demo.created) {
      await q.query(
        `WITH u AS (UPDATE users SET credits = credits + $2 WHERE id = $1 RETURNING id, credits)
         INSERT INTO credit_ledger (user_id, kind, amount, balance_after, note) SELECT id, 'grant', $2, credits, 'demo credits' FROM u`,
        [demo.id, DEMO_CREDITS],
      );
    }
    const [box] = await q.query('SELECT 1 FROM box_members WHERE user_id = $1 LIMIT 1', [demo.id]);
    if (!box) {
      const [b] = await q.query<{ id: string }>(`INSERT INTO boxes (name, owner_id) VALUES ('Demo box', $1) RETURNING id`, [demo.id]);
      await q.query(`INSERT INTO box_members (box_id, user_id, role) VALUES ($1, $2, 'owner')`, [b!.id, demo.id]);
    }
    return { demoCreated: demo.created };
  });
}
