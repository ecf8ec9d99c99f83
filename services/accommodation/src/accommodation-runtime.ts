import { topicFor } from '@harbour/contracts';
import { createKafka, ensureTopics, kafkaReadiness } from '@harbour/messaging';
import {
  createLogger,
  type IdentityStore,
  openServiceDatabase,
  type Logger,
  postgresReadiness,
  type ReadinessCheck,
  redisReadiness,
} from '@harbour/platform';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { AccommodationConfig } from './config';
import { CreateAccommodation1764300000000 } from './migrations/1764300000000-create-accommodation';

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
  const database = await openServiceDatabase({
    service: 'accommodation',
    databaseUrl: config.DATABASE_URL,
    schema,
    migrations: [CreateAccommodation1764300000000],
  });
  const { dataSource } = database;
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
    identity: database.identity,
    readiness: [postgresReadiness(dataSource), redisReadiness(redis), kafkaReadiness(kafka)],
    async close() {
      redis.disconnect();
      await database.close();
    },
  };
}
