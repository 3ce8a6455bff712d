import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The credits a run was charged, for /api/analytics: its ledger capture, found by asset. Only
 * captures, with the amount, so the report joins them from this index alone (EXPLAIN on 100,000
 * assets and 190,000 ledger rows: an index-only scan of the 84,000 captures instead of the whole
 * ledger's heap with the holds and releases filtered out).
 */
export class AnalyticsCaptureIndex1796191600000 implements MigrationInterface {
  name = 'AnalyticsCaptureIndex1796191600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX credit_ledger_capture ON credit_ledger (asset_id, amount) WHERE kind = 'capture'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS credit_ledger_capture`);
  }
}
