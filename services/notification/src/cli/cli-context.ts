import {
  AuditLog,
  createServiceDataSource,
  type DataEncryptionSettings,
  DataReencryption,
  FieldCipher,
  type IdentityDataKeySettings,
  type IdentityStore,
  identityCipherOf,
  identityReencryptionOptions,
  type Logger,
  openServiceDatabase,
  PeopleStore,
  quoteIdentifier,
  systemActor,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { WebhookSecretStore } from '../channels/webhook-secret-store';
import { type DirectoryChangeAudit, DirectoryRepository } from '../directory/directory-repository';
import { NOTIFICATION_MIGRATIONS } from '../migrations';

export interface CliContextOptions {
  databaseUrl: string;
  /** The notification service's schema (`NOTIFICATION_DB_SCHEMA`). */
  notificationSchema: string;
  /** Tests use a throw-away identity schema; everyone else the shared one. */
  identitySchema?: string;
  /**
   * The other services' schemas (`INTAKE_DB_SCHEMA`, …) in the same database, whose audit
   * chains `harbour audit` reads (never writes). Defaults: the services' default schemas.
   */
  serviceSchemas?: Partial<Record<ServiceChain, string>>;
  /**
   * The notification service's data keys (`DATA_ENCRYPTION_KEY`, and during a rotation its
   * retired keys and `DATA_INDEX_KEY`): webhook secrets are stored encrypted, so adding a
   * webhook contact or rotating its secret needs them. Everything else works without.
   */
  dataKeys?: DataEncryptionSettings;
  /**
   * `IDENTITY_DATA_KEY` (and during its rotation `IDENTITY_DATA_RETIRED_KEYS` and
   * `IDENTITY_DATA_INDEX_KEY`): people's e-mail addresses in the identity store are encrypted
   * and blind-indexed under them (the console holds the same keys). `harbour person` needs them.
   */
  identityDataKeys?: IdentityDataKeySettings;
}

/** The services besides notification that keep an audit chain in their own schema. */
export const SERVICE_CHAINS = ['intake', 'safeguarding', 'accommodation'] as const;
export type ServiceChain = (typeof SERVICE_CHAINS)[number];

/** The two stores an administrator changes: identity (organisations, keys) and the directory. */
export interface CliContext {
  identity: IdentityStore;
  directory: DirectoryRepository;
  /**
   * Another service's audit chain, read-only; null when its schema has none in this database
   * (the service is deployed elsewhere, or has not started yet).
   */
  serviceAudit(service: ServiceChain): Promise<{ log: AuditLog; schema: string } | null>;
  /** Notification's own database (its audit chain, its tables). */
  dataSource: DataSource;
  /** People who sign in to the console; absent when the CLI runs without `IDENTITY_DATA_KEY`. */
  people?: PeopleStore;
  /**
   * Re-encrypts the identity store's encrypted columns under `IDENTITY_DATA_KEY` (after a
   * rotation); absent without `IDENTITY_DATA_KEY`.
   */
  identityReencryption?: (logger: Logger, options?: { batchSize?: number }) => DataReencryption;
  /** Webhook signing secrets; absent when the CLI runs without the data key. */
  webhookSecrets?: WebhookSecretStore;
  close(): Promise<void>;
}

/**
 * How the audit log names a change made at the command line: by the CLI (it has no API key)
 * and the command that made it.
 */
export function cliAudit(command: string): DirectoryChangeAudit {
  return { actor: systemActor('cli'), reason: `harbour ${command}` };
}

/** Connects to both stores, bringing their schemas up to date first (as the services would). */
export async function openCliContext(options: CliContextOptions): Promise<CliContext> {
  // Checked before connecting: a bad identity key is a ConfigError naming its variable.
  const identityCipher = identityCipherOf(options.identityDataKeys ?? {});
  const database = await openServiceDatabase({
    service: 'cli',
    databaseUrl: options.databaseUrl,
    schema: options.notificationSchema,
    migrations: NOTIFICATION_MIGRATIONS,
    poolSize: 3,
    ...(options.identitySchema ? { identitySchema: options.identitySchema } : {}),
  });
  const webhookSecrets =
    options.dataKeys === undefined
      ? undefined
      : new WebhookSecretStore(database.dataSource, FieldCipher.fromConfig(options.dataKeys));
  const opened: DataSource[] = [];
  return {
    identity: database.identity,
    dataSource: database.dataSource,
    directory: new DirectoryRepository(database.dataSource, webhookSecrets),
    ...(webhookSecrets === undefined ? {} : { webhookSecrets }),
    ...(identityCipher === undefined
      ? {}
      : {
          people: new PeopleStore(database.identityDataSource, identityCipher),
          identityReencryption: (logger: Logger, job: { batchSize?: number } = {}) =>
            new DataReencryption(
              identityReencryptionOptions({
                dataSource: database.identityDataSource,
                cipher: identityCipher,
                logger,
                ...job,
              }),
            ),
        }),
    async serviceAudit(service) {
      const schema = options.serviceSchemas?.[service] ?? service;
      const dataSource = createServiceDataSource({
        service: 'cli',
        databaseUrl: options.databaseUrl,
        schema,
        migrations: [],
        poolSize: 1,
      });
      await dataSource.initialize();
      opened.push(dataSource);
      const [found] = await dataSource.query<{ log: string | null }[]>(
        'SELECT to_regclass($1) AS log',
        [`${quoteIdentifier(schema)}.audit_log`],
      );
      return found?.log ? { log: new AuditLog(dataSource), schema } : null;
    },
    async close() {
      for (const dataSource of opened) await dataSource.destroy();
      await database.close();
    },
  };
}
