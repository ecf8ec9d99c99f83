import { DataSource } from 'typeorm';
import { PREPARED_STATEMENT_POOL } from '../database/prepared-statements';
import { quoteIdentifier } from '../database/sql-identifier';
import { IDENTITY_MIGRATIONS } from './migrations';

/** The schema of the identity store shared by every service. */
export const IDENTITY_SCHEMA = 'harbour_identity';

/**
 * A DataSource for the shared identity store. Not initialised; run
 * `runMigrationsLocked(dataSource, 'harbour:identity')` (which initialises it) before use.
 * `schema` exists so tests can use a throw-away schema.
 */
export function createIdentityDataSource(
  databaseUrl: string,
  schema = IDENTITY_SCHEMA,
): DataSource {
  quoteIdentifier(schema);
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    schema,
    synchronize: false,
    migrationsRun: false,
    migrations: IDENTITY_MIGRATIONS,
    migrationsTableName: 'migrations',
    // Authentication is one indexed read per request (plus a rare write): a small pool suffices.
    poolSize: 4,
    applicationName: 'harbour-identity',
    extra: PREPARED_STATEMENT_POOL,
  });
}
