import { validateEvent } from '@harbour/contracts';
import { createKafka, ensureTopics, kafkaReadiness, Outbox, OutboxRelay } from '@harbour/messaging';
import {
  createIdentityDataSource,
  createLogger,
  IdentityStore,
  type Logger,
  postgresReadiness,
  type ReadinessCheck,
  runMigrationsLocked,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import type { IntakeConfig } from './config';
import { createIntakeDataSource } from './infrastructure/data-source';
import { INTAKE_TOPICS } from './intake-topics';

/** Everything the intake service connects to, opened before Nest starts and closed after it stops. */
export interface IntakeRuntime {
  config: IntakeConfig;
  logger: Logger;
  dataSource: DataSource;
  identityDataSource: DataSource;
  identity: IdentityStore;
  outbox: Outbox;
  relay: OutboxRelay;
  readiness: ReadinessCheck[];
  close(): Promise<void>;
}

export async function openIntakeRuntime(
  config: IntakeConfig,
  logger?: Logger,
): Promise<IntakeRuntime> {
  const log = logger ?? createLogger({ service: 'intake', level: config.LOG_LEVEL });
  const schema = config.INTAKE_DB_SCHEMA;
  const dataSource = createIntakeDataSource(config.DATABASE_URL, schema);
  await dataSource.initialize();
  await runMigrationsLocked(dataSource, `harbour:${schema}`);
  const identityDataSource = createIdentityDataSource(config.DATABASE_URL);
  await identityDataSource.initialize();
  await runMigrationsLocked(identityDataSource, 'harbour:identity');

  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? 'harbour-intake',
    logger: log,
  });
  await ensureTopics(kafka, [...INTAKE_TOPICS]);
  const outbox = new Outbox({ schema, source: '/harbour/intake', validator: validateEvent });
  const relay = new OutboxRelay({ dataSource, schema, kafka, logger: log });
  await relay.start();

  return {
    config,
    logger: log,
    dataSource,
    identityDataSource,
    identity: new IdentityStore(identityDataSource),
    outbox,
    relay,
    readiness: [postgresReadiness(dataSource), kafkaReadiness(kafka)],
    async close() {
      await relay.stop();
      await identityDataSource.destroy();
      await dataSource.destroy();
    },
  };
}
