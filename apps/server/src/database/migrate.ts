import type { DataSource } from 'typeorm';

/** Runs pending migrations under an advisory lock, so an API and a worker starting together migrate once. */
export async function migrate(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(727000)');
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(727000)').catch(() => undefined);
    await runner.release();
  }
}
