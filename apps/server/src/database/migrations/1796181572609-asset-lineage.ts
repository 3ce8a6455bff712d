import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An asset's children (the detail drawer's lineage): found by parent without reading the table. */
export class AssetLineage1796181572609 implements MigrationInterface {
  name = 'AssetLineage1796181572609';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX assets_parent ON assets (parent_asset_id) WHERE parent_asset_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS assets_parent`);
  }
}
