import { validateEvent } from '@harbour/contracts';
import { createKafka, ensureTopics, kafkaReadiness, Outbox, OutboxRelay } from '@harbour/messaging';
import {
  createLogger,
  DataReencryption,
  FieldCipher,
  type IdentityStore,
  openServiceDatabase,
  type Logger,
  postgresReadiness,
  type ReadinessCheck,
  RetentionPurge,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import type { IntakeConfig } from './config';
import { CreateIntake1764300000000 } from './migrations/1764300000000-create-intake';
import { MissingEpisodeLifecycle1764400000000 } from './migrations/1764400000000-missing-episode-lifecycle';
import { CreateReferrals1764500000000 } from './migrations/1764500000000-create-referrals';
import { CreateOperations1764900000000 } from './migrations/1764900000000-create-operations';
import { CreateBedRequests1765000000000 } from './migrations/1765000000000-create-bed-requests';
import { IntakeAuditLog1765250000000 } from './migrations/1765250000000-intake-audit-log';
import { IntakeRetention1765300000000 } from './migrations/1765300000000-intake-retention';
import { BoroughCountIndexes1766400000000 } from './migrations/1766400000000-borough-count-indexes';
import { INTAKE_TOPICS } from './intake-topics';
import { INTAKE_ENCRYPTED_COLUMNS } from './security/encrypted-columns';
import { INTAKE_RETENTION_POLICY } from './retention/intake-retention-policy';

/** Every intake migration, oldest first. Append; never edit one that has shipped. */
export const INTAKE_MIGRATIONS = [
  CreateIntake1764300000000,
  MissingEpisodeLifecycle1764400000000,
  CreateReferrals1764500000000,
  CreateOperations1764900000000,
  CreateBedRequests1765000000000,
  IntakeAuditLog1765250000000,
  IntakeRetention1765300000000,
  BoroughCountIndexes1766400000000,
];

/** Everything the intake service connects to, opened before Nest starts and closed after it stops. */
export interface IntakeRuntime {
  config: IntakeConfig;
  logger: Logger;
  dataSource: DataSource;
  identity: IdentityStore;
  outbox: Outbox;
  relay: OutboxRelay;
  /** Encrypts personal fields at rest (DATA_ENCRYPTION_KEY). */
  cipher: FieldCipher;
  readiness: ReadinessCheck[];
  close(): Promise<void>;
}

export async function openIntakeRuntime(
  config: IntakeConfig,
  logger?: Logger,
): Promise<IntakeRuntime> {
  const log = logger ?? createLogger({ service: 'intake', level: config.LOG_LEVEL });
  const cipher = FieldCipher.fromConfig(config);
  const schema = config.INTAKE_DB_SCHEMA;
  const database = await openServiceDatabase({
    service: 'intake',
    databaseUrl: config.DATABASE_URL,
    schema,
    migrations: INTAKE_MIGRATIONS,
  });
  const { dataSource } = database;

  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? 'harbour-intake',
    logger: log,
  });
  await ensureTopics(kafka, [...INTAKE_TOPICS]);
  const outbox = new Outbox({ schema, source: '/harbour/intake', validator: validateEvent });
  const relay = new OutboxRelay({ dataSource, schema, kafka, logger: log });
  await relay.start();
  // After a key rotation (retired keys configured), moves every field to the current key.
  const reencryption = DataReencryption.startIfKeysRetired({
    dataSource,
    schema,
    cipher,
    columns: INTAKE_ENCRYPTED_COLUMNS,
    logger: log,
  });
  // Purges what the retention policy says is due, on its timer (docs/retention.md).
  const retention = new RetentionPurge({
    dataSource,
    policy: INTAKE_RETENTION_POLICY,
    settings: config.retention,
    logger: log,
  });
  retention.start();

  return {
    config,
    logger: log,
    dataSource,
    identity: database.identity,
    outbox,
    relay,
    cipher,
    readiness: [postgresReadiness(dataSource), kafkaReadiness(kafka)],
    async close() {
      await reencryption.stop();
      await retention.stop();
      await relay.stop();
      await database.close();
    },
  };
}
