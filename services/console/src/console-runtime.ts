import {
  createIdentityDataSource,
  createLogger,
  DataReencryption,
  IdentityStore,
  identityCipherOf,
  identityReencryptionOptions,
  type Logger,
  PeopleStore,
  type ReadinessCheck,
  postgresReadiness,
  runMigrationsLocked,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { oidcSettingsOf } from './auth/oidc-settings';
import { OidcSignIn } from './auth/oidc-sign-in';
import { OidcTransactionCookie } from './auth/oidc-transaction';
import { SignInMailer } from './auth/sign-in-mailer';
import { type SessionCookie, sessionCookieFor } from './auth/session-cookie';
import type { ConsoleConfig } from './config';

/** What the console holds open: the identity store (people, sessions) and the SMTP transport. */
export interface ConsoleRuntime {
  config: ConsoleConfig;
  logger: Logger;
  identity: IdentityStore;
  people: PeopleStore;
  mailer: SignInMailer;
  cookie: SessionCookie;
  /** Sign-in through the OpenID Connect provider, when one is configured (ADR-37). */
  oidc: OidcSignIn | undefined;
  oidcTransaction: OidcTransactionCookie;
  readiness: ReadinessCheck[];
  close(): Promise<void>;
}

export async function openConsoleRuntime(
  config: ConsoleConfig,
  logger: Logger = createLogger({ service: 'console', level: config.LOG_LEVEL }),
  options: { identitySchema?: string } = {},
): Promise<ConsoleRuntime> {
  const dataSource: DataSource =
    options.identitySchema === undefined
      ? createIdentityDataSource(config.DATABASE_URL)
      : createIdentityDataSource(config.DATABASE_URL, options.identitySchema);
  await runMigrationsLocked(dataSource, 'harbour:identity');
  const cipher = identityCipherOf(config);
  if (cipher === undefined) throw new Error('IDENTITY_DATA_KEY is required'); // loadConsoleConfig checks it
  // Logs the identity key ids and, while retired identity keys are configured, re-encrypts every
  // stored address under IDENTITY_DATA_KEY in the background, as each service does with its own.
  const reencryption = DataReencryption.startIfKeysRetired(
    identityReencryptionOptions({ dataSource, cipher, logger }),
  );
  const mailer = new SignInMailer({ url: config.SMTP_URL, from: config.SMTP_FROM });
  const cookie = sessionCookieFor(config.CONSOLE_PUBLIC_URL);
  const oidcSettings = oidcSettingsOf(config);
  return {
    config,
    logger,
    identity: new IdentityStore(dataSource),
    people: new PeopleStore(dataSource, cipher),
    mailer,
    cookie,
    oidc: oidcSettings === undefined ? undefined : new OidcSignIn(oidcSettings),
    oidcTransaction: new OidcTransactionCookie(config.IDENTITY_DATA_KEY, cookie),
    readiness: [postgresReadiness(dataSource)],
    async close() {
      await reencryption.stop();
      mailer.close();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
