import {
  FieldCipher,
  type IdentityStore,
  openServiceDatabase,
  systemActor,
} from '@harbour/platform';
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
   * The notification service's `DATA_ENCRYPTION_KEY`: webhook secrets are stored encrypted
   * under it, so adding a webhook contact or rotating its secret needs it. Everything else
   * works without.
   */
  dataEncryptionKey?: string;
}

/** The two stores an administrator changes: identity (organisations, keys) and the directory. */
export interface CliContext {
  identity: IdentityStore;
  directory: DirectoryRepository;
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
  const database = await openServiceDatabase({
    service: 'cli',
    databaseUrl: options.databaseUrl,
    schema: options.notificationSchema,
    migrations: NOTIFICATION_MIGRATIONS,
    poolSize: 3,
    ...(options.identitySchema ? { identitySchema: options.identitySchema } : {}),
  });
  const webhookSecrets =
    options.dataEncryptionKey === undefined
      ? undefined
      : new WebhookSecretStore(
          database.dataSource,
          FieldCipher.fromBase64Key(options.dataEncryptionKey),
        );
  return {
    identity: database.identity,
    directory: new DirectoryRepository(database.dataSource, webhookSecrets),
    ...(webhookSecrets === undefined ? {} : { webhookSecrets }),
    close: () => database.close(),
  };
}
