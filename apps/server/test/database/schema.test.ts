import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../../src/database/data-source.js';
import { ensureDatabase } from '../../src/database/ensure-database.js';
import { migrate } from '../../src/database/migrate.js';
import { ENTITIES } from '../../src/entities.js';

const PG_ROOT = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/**
 * The entities (src/entities.ts) and the hand-written migrations describe the same schema: on a
 * database the migrations made, TypeORM's own schema diff finds nothing to change. A migration
 * without its entity change, or an entity edit without a migration, fails here.
 */
describe('the schema in code', () => {
  const name = `genbox_test_schema_${randomBytes(5).toString('hex')}`;
  const url = `${PG_ROOT}/${name}`;
  let described: DataSource;

  /** The statements TypeORM would run to make the database match the entities. */
  const pendingChanges = async () => (await described.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);

  beforeAll(async () => {
    await ensureDatabase(url);
    const migrating = createDataSource(url, { poolSize: 2 }) // migrate holds one connection for its lock, the migrations run on another;
    await migrating.initialize();
    await migrate(migrating);
    await migrating.destroy();
    described = await new DataSource({ type: 'postgres', url, entities: ENTITIES, extra: { max: 2 }, logging: false }).initialize();
  });

  afterAll(async () => {
    await described?.destroy();
    const admin = new pg.Client({ connectionString: `${PG_ROOT}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('every table the migrations make has an entity, and no entity names a table they do not make', async () => {
    const rows = await described.query<{ table_name: string }[]>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations'`);
    expect(described.entityMetadatas.map((m) => m.tableName).sort()).toEqual(rows.map((r) => r.table_name).sort());
  });

  it('TypeORM finds nothing to change between the entities and the migrated database', async () => {
    expect(await pendingChanges()).toEqual([]);
  });

  it('a database that drifted from the entities is caught, column, constraint and index alike', async () => {
    await described.query('ALTER TABLE assets DROP COLUMN priority');
    await described.query('ALTER TABLE storyboards DROP CONSTRAINT storyboards_model_id_fkey');
    await described.query('DROP INDEX asset_events_finished');
    const changes = (await pendingChanges()).join('\n');
    expect(changes).toContain('ALTER TABLE "assets" ADD "priority" smallint');
    expect(changes).toContain('"storyboards_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "ai_models"("id")');
    expect(changes).toContain('CREATE INDEX "asset_events_finished"');
  });
});
