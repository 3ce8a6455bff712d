import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the provider itself reported a finished run cost (Kie credits, Runware USD, Replicate
 * predict seconds), beside what the model costs here, one row per asset attempt, for analytics.
 * It replaces the ledger's own provider_cost columns: the ledger shows it by joining this.
 */
export class ProviderCosts1796182999392 implements MigrationInterface {
  name = 'ProviderCosts1796182999392';

  async up(q: QueryRunner): Promise<void> {
    // no foreign key to assets: the figures outlive the assets, like the ledger
    await q.query(`
      CREATE TABLE provider_costs (
        asset_id uuid NOT NULL,
        attempt integer NOT NULL,
        model_id uuid REFERENCES ai_models(id) ON DELETE SET NULL,
        our_cost numeric(14,4) NOT NULL,
        provider_cost numeric(14,6) NOT NULL,
        provider_cost_unit text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (asset_id, attempt)
      )`);
    await q.query(`ALTER TABLE credit_ledger DROP COLUMN provider_cost, DROP COLUMN provider_cost_unit`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE credit_ledger ADD COLUMN provider_cost numeric(14,6), ADD COLUMN provider_cost_unit text`);
    await q.query(`DROP TABLE IF EXISTS provider_costs`);
  }
}
