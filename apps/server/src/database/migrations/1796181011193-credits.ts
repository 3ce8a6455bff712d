import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credits: a balance per user, the open hold of each running generation, and a ledger of every
 * movement. The hold, capture and release live in triggers on `assets`, so they commit in the
 * same transaction as the asset insert or status change that causes them, whichever process or
 * code path writes it: a generation is never charged twice, never left held after it ends, and
 * the CHECK keeps a balance from going below zero however many API nodes race.
 *
 * Movements (credit_ledger.kind → effect on the balance): grant → +amount (amount may be
 * negative: an admin's correction), hold → −amount (a generation starts: its model's cost),
 * capture → 0 (it COMPLETED: the held credits are spent), release → +amount (FAILED, CANCELED or
 * deleted before it finished: the held credits come back).
 */
export class Credits1796181011193 implements MigrationInterface {
  name = 'Credits1796181011193';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN credits numeric(14,4) NOT NULL DEFAULT 0 CONSTRAINT users_credits_not_negative CHECK (credits >= 0)`);
    // one row per generation whose credits are held right now; settling deletes it (exactly once)
    await q.query(`
      CREATE TABLE credit_holds (
        asset_id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        amount numeric(14,4) NOT NULL CHECK (amount > 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // asset_id has no foreign key: the ledger outlives the assets it names
    await q.query(`
      CREATE TABLE credit_ledger (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('grant','hold','capture','release')),
        amount numeric(14,4) NOT NULL,
        balance_after numeric(14,4) NOT NULL,
        asset_id uuid,
        granted_by uuid REFERENCES users(id) ON DELETE SET NULL,
        note text,
        -- what the provider itself reported the run cost, in its own unit, beside ours (analytics)
        provider_cost numeric(14,6),
        provider_cost_unit text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX credit_ledger_user ON credit_ledger (user_id, id DESC)`);
    await q.query(`CREATE INDEX credit_ledger_asset ON credit_ledger (asset_id) WHERE asset_id IS NOT NULL`);

    // Hold: the model's cost, taken from the creator's balance when the generation is queued
    // (insert as PENDING, or a retry moving it back to PENDING). Short: SQLSTATE GB402, which the
    // server answers with 402; the statement, and so the whole request, changes nothing.
    await q.query(`
      CREATE FUNCTION credits_hold() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE price numeric; left_over numeric; have numeric;
      BEGIN
        IF NEW.model_id IS NULL OR NEW.created_by IS NULL OR NEW.status <> 'PENDING' THEN RETURN NULL; END IF;
        SELECT cost INTO price FROM ai_models WHERE id = NEW.model_id;
        IF price IS NULL OR price <= 0 THEN RETURN NULL; END IF;
        UPDATE users SET credits = credits - price WHERE id = NEW.created_by AND credits >= price RETURNING credits INTO left_over;
        IF NOT FOUND THEN
          SELECT credits INTO have FROM users WHERE id = NEW.created_by;
          RAISE EXCEPTION 'not enough credits' USING ERRCODE = 'GB402', DETAIL = json_build_object('balance', have, 'cost', price)::text;
        END IF;
        INSERT INTO credit_holds (asset_id, user_id, amount) VALUES (NEW.id, NEW.created_by, price);
        INSERT INTO credit_ledger (user_id, kind, amount, balance_after, asset_id) VALUES (NEW.created_by, 'hold', price, left_over, NEW.id);
        RETURN NULL;
      END $$`);
    // Settle: COMPLETED captures the hold, FAILED / CANCELED / deletion release it; no hold, nothing to do.
    await q.query(`
      CREATE FUNCTION credits_settle() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE h credit_holds; bal numeric; capture boolean := TG_OP = 'UPDATE' AND NEW.status = 'COMPLETED';
      BEGIN
        DELETE FROM credit_holds WHERE asset_id = OLD.id RETURNING * INTO h;
        IF NOT FOUND THEN RETURN NULL; END IF;
        IF capture THEN
          SELECT credits INTO bal FROM users WHERE id = h.user_id;
        ELSE
          UPDATE users SET credits = credits + h.amount WHERE id = h.user_id RETURNING credits INTO bal;
        END IF;
        INSERT INTO credit_ledger (user_id, kind, amount, balance_after, asset_id)
        VALUES (h.user_id, CASE WHEN capture THEN 'capture' ELSE 'release' END, h.amount, bal, OLD.id);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER assets_credits_hold AFTER INSERT ON assets FOR EACH ROW EXECUTE FUNCTION credits_hold()`);
    await q.query(`CREATE TRIGGER assets_credits_rehold AFTER UPDATE OF status ON assets FOR EACH ROW
      WHEN (NEW.status = 'PENDING' AND OLD.status IN ('FAILED','CANCELED')) EXECUTE FUNCTION credits_hold()`);
    await q.query(`CREATE TRIGGER assets_credits_settle AFTER UPDATE OF status ON assets FOR EACH ROW
      WHEN (NEW.status IN ('COMPLETED','FAILED','CANCELED') AND OLD.status IN ('PENDING','PROCESSING')) EXECUTE FUNCTION credits_settle()`);
    await q.query(`CREATE TRIGGER assets_credits_release_deleted AFTER DELETE ON assets FOR EACH ROW EXECUTE FUNCTION credits_settle()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS assets_credits_release_deleted ON assets`);
    await q.query(`DROP TRIGGER IF EXISTS assets_credits_settle ON assets`);
    await q.query(`DROP TRIGGER IF EXISTS assets_credits_rehold ON assets`);
    await q.query(`DROP TRIGGER IF EXISTS assets_credits_hold ON assets`);
    await q.query(`DROP FUNCTION IF EXISTS credits_settle()`);
    await q.query(`DROP FUNCTION IF EXISTS credits_hold()`);
    await q.query(`DROP TABLE IF EXISTS credit_ledger`);
    await q.query(`DROP TABLE IF EXISTS credit_holds`);
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS credits`);
  }
}
