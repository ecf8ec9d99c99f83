import {
  createIdentityDataSource,
  IDENTITY_SCHEMA,
  IdentityStore,
  runMigrationsLocked,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { DirectoryRepository } from '../directory/directory-repository';
import { createNotificationDataSource } from '../infrastructure/data-source';

export interface CliContextOptions {
  databaseUrl: string;
  /** The notification service's schema (`NOTIFICATION_DB_SCHEMA`). */
  notificationSchema: string;
  /** Tests use a throw-away identity schema; everyone else the shared one. */
  identitySchema?: string;
}

/** The two stores an administrator changes: identity (organisations, keys) and the directory. */
export interface CliContext {
  identity: IdentityStore;
  directory: DirectoryRepository;
  close(): Promise<void>;
}

/** Connects to both stores, bringing their schemas up to date first (as the services would). */
export async function openCliContext(options: CliContextOptions): Promise<CliContext> {
  const identityDataSource = createIdentityDataSource(
    options.databaseUrl,
    options.identitySchema ?? IDENTITY_SCHEMA,
  );
  const dataSource = createNotificationDataSource(
    options.databaseUrl,
    options.notificationSchema,
    3,
  );
  const opened: DataSource[] = [];
  try {
    opened.push(identityDataSource);
    await runMigrationsLocked(identityDataSource, 'harbour:identity');
    opened.push(dataSource);
    await runMigrationsLocked(dataSource, `harbour:${options.notificationSchema}`);
  } catch (error) {
    for (const ds of opened) if (ds.isInitialized) await ds.destroy();
    throw error;
  }
  return {
    identity: new IdentityStore(identityDataSource),
    directory: new DirectoryRepository(dataSource),
    async close() {
      await dataSource.destroy();
      await identityDataSource.destroy();
    },
  };
}
