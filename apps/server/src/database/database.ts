import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryConfig } from 'pg';
import type { DataSource } from 'typeorm';

export interface Queryable {
  query<T = any>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * How many distinct statement texts are prepared by name (on each connection that runs them);
 * past it, statements run unnamed. Genbox's queries are a fixed set of shapes, well under this.
 */
const MAX_PREPARED = 400;

/** PostgreSQL's answer when a prepared `SELECT *` meets a table that a migration changed since. */
const CACHED_PLAN_CHANGED = '0A000';

/**
 * Plain SQL over TypeORM's own pg pool. TypeORM runs the migrations; queries go through here so
 * guarded updates can use RETURNING and every caller gets rows back the same way.
 *
 * Statements are prepared by name: PostgreSQL then parses and plans each shape once per
 * connection instead of on every call, which was most of its CPU on the generation path (the
 * transition CTEs are long). Values are always parameters, so the texts are a small fixed set.
 */
export class Database implements Queryable {
  private readonly pool: Pool;
  private readonly names = new Map<string, string>();
  /** Bumped when a prepared statement went stale (a migration changed a table): new names, fresh plans. */
  private generation = 0;

  constructor(readonly dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  async query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.run((q) => this.pool.query(q), sql, params, true);
  }

  /** Runs fn in one transaction; rolls back when it throws. */
  async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn({ query: (sql, params = []) => this.run((q) => client.query(q), sql, params, false) });
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  private async run<T>(send: (q: QueryConfig) => Promise<{ rows: unknown[] }>, sql: string, params: unknown[], canRetry: boolean): Promise<T[]> {
    try {
      return (await send({ text: sql, values: params, name: this.nameOf(sql) })).rows as T[];
    } catch (err) {
      if ((err as { code?: string }).code !== CACHED_PLAN_CHANGED) throw err;
      this.generation++;
      this.names.clear();
      // outside a transaction the statement simply runs again under a new name; inside one the
      // transaction is already aborted, and the caller's own retry (a job's) finds the new names
      if (!canRetry) throw err;
      return (await send({ text: sql, values: params, name: this.nameOf(sql) })).rows as T[];
    }
  }

  private nameOf(sql: string): string | undefined {
    let name = this.names.get(sql);
    if (name === undefined && this.names.size < MAX_PREPARED) {
      name = `gb${this.generation}_${createHash('sha1').update(sql).digest('base64url').slice(0, 16)}`;
      this.names.set(sql, name);
    }
    return name;
  }
}
