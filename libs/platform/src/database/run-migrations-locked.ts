import type { DataSource } from 'typeorm';
import { schemaOf } from './schema-of';
import { quoteIdentifier } from './sql-identifier';

/**
 * Creates the DataSource's schema if missing and runs its pending migrations, holding a Postgres
 * advisory lock named `lockName` for the whole time. Every replica of every service runs this at
 * start; the lock makes them take turns, so concurrent starts neither race on `CREATE TABLE` nor
 * apply a migration twice — the second one finds nothing pending.
 *
 * The lock is session-level and held on one dedicated connection (a pooled query could release it
 * on another); it is released explicitly, and by Postgres if the process dies. Initialises the
 * DataSource when needed; its pool must allow at least two connections.
 */
export async function runMigrationsLocked(dataSource: DataSource, lockName: string): Promise<void> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lockName]);
    try {
      const schema = schemaOf(dataSource);
      if (schema !== undefined) {
        await lockHolder.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
      }
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await lockHolder.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockName]);
    }
  } finally {
    await lockHolder.release();
  }
}
