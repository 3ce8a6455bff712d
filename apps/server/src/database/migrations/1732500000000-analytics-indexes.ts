import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for /api/analytics and /metrics. A box's analytics use assets_box_created; these serve
 * the install-wide view and keep a scrape bounded by the recent window and the work in flight.
 */
export class AnalyticsIndexes1732500000000 implements MigrationInterface {
  name = 'AnalyticsIndexes1732500000000';

  async up(q: QueryRunner): Promise<void> {
    // install-wide analytics over a time range
    await q.query(`CREATE INDEX assets_generated_created ON assets (created_at) WHERE source_type <> 'UPLOADED'`);
    // /metrics: durations of the recent window, and what is still pending or processing
    await q.query(`CREATE INDEX assets_completed_at ON assets (completed_at) WHERE status = 'COMPLETED'`);
    await q.query(`CREATE INDEX assets_in_flight ON assets (status) WHERE status IN ('PENDING', 'PROCESSING')`);
    // /metrics: finished runs by outcome, read from the history
    await q.query(`CREATE INDEX asset_events_finished ON asset_events (to_status, asset_id) WHERE to_status IN ('COMPLETED', 'FAILED', 'CANCELED')`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const i of ['asset_events_finished', 'assets_in_flight', 'assets_completed_at', 'assets_generated_created']) await q.query(`DROP INDEX IF EXISTS ${i}`);
  }
}
