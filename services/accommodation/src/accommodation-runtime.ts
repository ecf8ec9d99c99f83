import { topicFor } from '@harbour/contracts';
import { createKafka, ensureTopics, kafkaReadiness } from '@harbour/messaging';
import {
  createIdentityDataSource,
  createLogger,
  IdentityStore,
  type Logger,
  postgresReadiness,
  type ReadinessCheck,
  redisReadiness,
  runMigrationsLocked,
} from '@harbour/platform';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { AccommodationConfig } from './config';
import { createAccommodationDataSource } from './infrastructure/data-source';

export interface AccommodationRuntime {
  config: AccommodationConfig;
  logger: Logger;
  dataSource: DataSource;
  identity: IdentityStore;
  readiness: ReadinessCheck[];
  close(): Promise<void>;
}

/**
 * Connects to everything accommodation will need (its schema, Redis for hold timers, Kafka).
 * It does not consume bed requests yet: a consumer group that skipped them now would commit
 * past events the matching issue must still see.
 */
export async function openAccommodationRuntime(
  config: AccommodationConfig,
  logger?: Logger,
): Promise<AccommodationRuntime> {
  const log = logger ?? createLogger({ service: 'accommodation', level: config.LOG_LEVEL });
  const schema = config.ACCOMMODATION_DB_SCHEMA;
  const dataSource = createAccommodationDataSource(config.DATABASE_URL, schema);
  await dataSource.initialize();
  await runMigrationsLocked(dataSource, `harbour:${schema}`);
  const identityDataSource = createIdentityDataSource(config.DATABASE_URL);
  await identityDataSource.initialize();
  await runMigrationsLocked(identityDataSource, 'harbour:identity');
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: true });
  await redis.connect();
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? 'harbour-accommodation',
    logger: log,
  });
  await ensureTopics(kafka, [
    topicFor('harbour.bed.offered'),
    topicFor('harbour.bed-request.submitted'),
  ]);
  return {
    config,
    logger: log,
    dataSource,
    identity: new IdentityStore(identityDataSource),
    readiness: [postgresReadiness(dataSource), redisReadiness(redis), kafkaReadiness(kafka)],
    async close() {
      redis.disconnect();
      await identityDataSource.destroy();
      await dataSource.destroy();
    },
  };
}
