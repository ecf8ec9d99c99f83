import { DataSource, type DataSourceOptions } from 'typeorm';
import { createIdentityDataSource, IDENTITY_SCHEMA } from '../identity/identity-data-source';
import { IdentityStore } from '../identity/identity-store';
import { PREPARED_STATEMENT_POOL } from './prepared-statements';
import { runMigrationsLocked } from './run-migrations-locked';
import { quoteIdentifier } from './sql-identifier';

export interface ServiceDatabaseOptions {
  /** Service name: the Postgres application name is `harbour-<service>`. */
  service: string;
  databaseUrl: string;
  /** The schema the service owns. */
  schema: string;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  poolSize?: number;
  /** Tests use a throw-away identity schema; everyone else the shared one. */
  identitySchema?: string;
}

/** A service's own Postgres schema and the shared identity store, both migrated. */
export interface ServiceDatabase {
  dataSource: DataSource;
  identity: IdentityStore;
  /** The identity store's own DataSource (people and sessions are built on it, ADR-33). */
  identityDataSource: DataSource;
  close(): Promise<void>;
}

/**
 * A DataSource for the schema a service owns: created and evolved only by its migrations
 * (never `synchronize`). Not initialised; `openServiceDatabase` does that.
 */
export function createServiceDataSource(options: ServiceDatabaseOptions): DataSource {
  quoteIdentifier(options.schema); // configuration becomes SQL: only a plain identifier passes
  return new DataSource({
    type: 'postgres',
    url: options.databaseUrl,
    schema: options.schema,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    poolSize: options.poolSize ?? 10,
    applicationName: `harbour-${options.service}`,
    // Repeated statements are prepared once per connection (ADR-41).
    extra: PREPARED_STATEMENT_POOL,
  });
}

/**
 * Opens the service's schema and the identity store, running pending migrations of both under
 * advisory locks (so services starting together never race). On failure nothing stays open.
 */
export async function openServiceDatabase(
  options: ServiceDatabaseOptions,
): Promise<ServiceDatabase> {
  const identityDataSource = createIdentityDataSource(
    options.databaseUrl,
    options.identitySchema ?? IDENTITY_SCHEMA,
  );
  const dataSource = createServiceDataSource(options);
  try {
    await runMigrationsLocked(identityDataSource, 'harbour:identity');
    await runMigrationsLocked(dataSource, `harbour:${options.schema}`);
  } catch (error) {
    for (const ds of [dataSource, identityDataSource]) if (ds.isInitialized) await ds.destroy();
    throw error;
  }
  return {
    dataSource,
    identity: new IdentityStore(identityDataSource),
    identityDataSource,
    async close() {
      await dataSource.destroy();
      await identityDataSource.destroy();
    },
  };
}
