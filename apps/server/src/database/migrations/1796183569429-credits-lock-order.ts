import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deleting an unfinished generation releases its hold: the release now locks the asset's box row
 * before the user's, the order every status change takes (asset, then box for the seq, then the
 * user in the trigger), so a deletion racing another generation of the same user in the same box
 * cannot deadlock with it.
 */
export class CreditsLockOrder1796183569429 implements MigrationInterface {
  name = 'CreditsLockOrder1796183569429';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION credits_settle() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE h credit_holds; bal numeric; capture boolean := TG_OP = 'UPDATE' AND NEW.status = 'COMPLETED';
      BEGIN
        DELETE FROM credit_holds WHERE asset_id = OLD.id RETURNING * INTO h;
        IF NOT FOUND THEN RETURN NULL; END IF;
        -- a deletion bumps the box seq after this trigger: take the box first, as status changes do
        IF TG_OP = 'DELETE' THEN PERFORM 1 FROM boxes WHERE id = OLD.box_id FOR UPDATE; END IF;
        IF capture THEN
          SELECT credits INTO bal FROM users WHERE id = h.user_id;
        ELSE
          UPDATE users SET credits = credits + h.amount WHERE id = h.user_id RETURNING credits INTO bal;
        END IF;
        INSERT INTO credit_ledger (user_id, kind, amount, balance_after, asset_id)
        VALUES (h.user_id, CASE WHEN capture THEN 'capture' ELSE 'release' END, h.amount, bal, OLD.id);
        RETURN NULL;
      END $$`);
  }

  async down(): Promise<void> {
    // the earlier body differs only in lock order; nothing to undo
  }
}
