import { topicFor, validateEvent } from '@harbour/contracts';
import {
  createKafka,
  ensureTopics,
  EventConsumer,
  kafkaReadiness,
  Outbox,
  OutboxRelay,
} from '@harbour/messaging';
import {
  createLogger,
  type IdentityStore,
  openServiceDatabase,
  type Logger,
  postgresReadiness,
  type ReadinessCheck,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import type { SafeguardingConfig } from './config';
import { CreateSafeguarding1764300000000 } from './migrations/1764300000000-create-safeguarding';
import { ALERT_REQUESTED, MissingEpisodeHandler } from './missing-episodes/missing-episode-handler';

export interface SafeguardingRuntime {
  config: SafeguardingConfig;
  logger: Logger;
  dataSource: DataSource;
  identity: IdentityStore;
  readiness: ReadinessCheck[];
  close(): Promise<void>;
}

/** Opens the database, the outbox relay and the intake-topic consumer. */
export async function openSafeguardingRuntime(
  config: SafeguardingConfig,
  logger?: Logger,
): Promise<SafeguardingRuntime> {
  const log = logger ?? createLogger({ service: 'safeguarding', level: config.LOG_LEVEL });
  const schema = config.SAFEGUARDING_DB_SCHEMA;
  const database = await openServiceDatabase({
    service: 'safeguarding',
    databaseUrl: config.DATABASE_URL,
    schema,
    migrations: [CreateSafeguarding1764300000000],
  });
  const { dataSource } = database;

  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? 'harbour-safeguarding',
    logger: log,
  });
  const missingEpisodeTopic = topicFor('harbour.missing-episode.reported');
  await ensureTopics(kafka, [missingEpisodeTopic, topicFor(ALERT_REQUESTED)]);
  const outbox = new Outbox({ schema, source: '/harbour/safeguarding', validator: validateEvent });
  const relay = new OutboxRelay({ dataSource, schema, kafka, logger: log });
  await relay.start();

  const missingEpisodes = new MissingEpisodeHandler(schema, outbox);
  const consumer = new EventConsumer({
    kafka,
    groupId: config.SAFEGUARDING_KAFKA_GROUP,
    topics: [missingEpisodeTopic],
    dataSource,
    schema,
    validator: validateEvent,
    logger: log,
    fromBeginning: true,
    handlers: {
      'harbour.missing-episode.reported': (event, manager) =>
        missingEpisodes.onReported(event, manager),
    },
    afterCommit: () => relay.kick(),
  });
  await consumer.start();

  return {
    config,
    logger: log,
    dataSource,
    identity: database.identity,
    readiness: [postgresReadiness(dataSource), kafkaReadiness(kafka)],
    async close() {
      await consumer.stop();
      await relay.stop();
      await database.close();
    },
  };
}
