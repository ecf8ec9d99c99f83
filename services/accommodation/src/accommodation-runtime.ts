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
  DataReencryption,
  encryptedResponseColumn,
  FieldCipher,
  IdempotencyRecords,
  IdempotentTransaction,
  type IdentityStore,
  type Logger,
  openServiceDatabase,
  postgresReadiness,
  type ReadinessCheck,
  RetentionPurge,
  kafkaHeartbeatIntervalMs,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import type { AccommodationConfig } from './config';
import { HoldTimerPoller } from './matching/hold-timer-poller';
import { OfferRounds } from './matching/offer-rounds';
import { PLACEMENT_TOPIC } from './matching/placement-event';
import { CreateAccommodation1764300000000 } from './migrations/1764300000000-create-accommodation';
import { CreateMatching1765000000000 } from './migrations/1765000000000-create-matching';
import { AccommodationAuditLog1765250000000 } from './migrations/1765250000000-accommodation-audit-log';
import { AccommodationRetention1765300000000 } from './migrations/1765300000000-accommodation-retention';
import { DecideOffer } from './offers/decide-offer';
import { OfferStore } from './offers/offer-store';
import { PlacementStore } from './placements/placement-store';
import { PropertyCommands } from './properties/property-commands';
import { PropertyStore } from './properties/property-store';
import { BedRequestHandler } from './requests/bed-request-handler';
import { BedRequestStore } from './requests/bed-request-store';
import { ACCOMMODATION_RETENTION_POLICY } from './retention/accommodation-retention-policy';
import {
  ACCOMMODATION_ENCRYPTED_COLUMNS,
  IDEMPOTENCY_RESPONSE_CONTEXT,
} from './security/encrypted-columns';

export const ACCOMMODATION_MIGRATIONS = [
  CreateAccommodation1764300000000,
  CreateMatching1765000000000,
  AccommodationAuditLog1765250000000,
  AccommodationRetention1765300000000,
];

/** Everything accommodation connects to and runs, opened before Nest starts, closed after it stops. */
export interface AccommodationRuntime {
  config: AccommodationConfig;
  logger: Logger;
  dataSource: DataSource;
  identity: IdentityStore;
  readiness: ReadinessCheck[];
  properties: PropertyStore;
  requests: BedRequestStore;
  offers: OfferStore;
  placements: PlacementStore;
  rounds: OfferRounds;
  propertyCommands: PropertyCommands;
  decideOffer: DecideOffer;
  /** The hold and matching-window timers (tests call `tick()` instead of waiting a poll). */
  timers: HoldTimerPoller;
  close(): Promise<void>;
}

/**
 * Opens the schema, the outbox relay, the consumer of intake's bed requests and the poller of
 * the hold timers. No Redis: the timers are Postgres rows (see the README).
 */
export async function openAccommodationRuntime(
  config: AccommodationConfig,
  logger?: Logger,
): Promise<AccommodationRuntime> {
  const log = logger ?? createLogger({ service: 'accommodation', level: config.LOG_LEVEL });
  const schema = config.ACCOMMODATION_DB_SCHEMA;
  const cipher = FieldCipher.fromConfig(config);
  const database = await openServiceDatabase({
    service: 'accommodation',
    databaseUrl: config.DATABASE_URL,
    schema,
    migrations: ACCOMMODATION_MIGRATIONS,
  });
  const { dataSource } = database;
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? 'harbour-accommodation',
    logger: log,
  });
  const bedRequestTopic = topicFor('harbour.bed-request.submitted');
  await ensureTopics(kafka, [bedRequestTopic, PLACEMENT_TOPIC]);
  const outbox = new Outbox({ schema, source: '/harbour/accommodation', validator: validateEvent });
  const relay = new OutboxRelay({ dataSource, schema, kafka, logger: log });
  await relay.start();
  // After a key rotation (retired keys configured), moves every field to the current key.
  const reencryption = DataReencryption.startIfKeysRetired({
    dataSource,
    schema,
    cipher,
    columns: ACCOMMODATION_ENCRYPTED_COLUMNS,
    logger: log,
  });

  const properties = new PropertyStore(schema);
  const requests = new BedRequestStore(schema, cipher);
  const offers = new OfferStore(schema);
  const placements = new PlacementStore(schema);
  const rounds = new OfferRounds(
    requests,
    offers,
    properties,
    outbox,
    {
      fanout: config.ACCOMMODATION_OFFER_FANOUT,
      holdMinutes: config.holdMinutes,
      staleAfterHours: config.ACCOMMODATION_STALE_AFTER_HOURS,
    },
    log,
  );
  // Stored replies are encrypted: an acceptance's answer carries the person's names.
  const transaction = new IdempotentTransaction(
    dataSource,
    relay,
    new IdempotencyRecords(schema, encryptedResponseColumn(cipher, IDEMPOTENCY_RESPONSE_CONTEXT)),
  );
  const locationBase = config.PUBLIC_BASE_URL?.replace(/\/$/, '') ?? '';
  const handler = new BedRequestHandler(requests, offers, rounds, log);
  const timers = new HoldTimerPoller({
    dataSource,
    requests,
    offers,
    rounds,
    logger: log,
    pollIntervalMs: config.ACCOMMODATION_TIMER_POLL_MS,
    afterCommit: () => relay.kick(),
  });
  const consumer = new EventConsumer({
    kafka,
    groupId: config.ACCOMMODATION_KAFKA_GROUP,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: kafkaHeartbeatIntervalMs(config.KAFKA_SESSION_TIMEOUT_MS),
    // One bed request at a time: requests compete for the same beds, and first come is first
    // offered.
    concurrency: 1,
    partitionsConsumedConcurrently: 1,
    topics: [bedRequestTopic],
    dataSource,
    schema,
    validator: validateEvent,
    logger: log,
    fromBeginning: true,
    handlers: {
      'harbour.bed-request.submitted': (event, manager) => handler.onSubmitted(event, manager),
      'harbour.bed-request.withdrawn': (event, manager) => handler.onWithdrawn(event, manager),
    },
    relay,
  });
  await consumer.start();
  timers.start();
  // Purges what the retention policy says is due, on its timer (docs/retention.md).
  const retention = new RetentionPurge({
    dataSource,
    policy: ACCOMMODATION_RETENTION_POLICY,
    settings: config.retention,
    logger: log,
  });
  retention.start();

  return {
    config,
    logger: log,
    dataSource,
    identity: database.identity,
    readiness: [postgresReadiness(dataSource), kafkaReadiness(kafka)],
    properties,
    requests,
    offers,
    placements,
    rounds,
    propertyCommands: new PropertyCommands(
      transaction,
      properties,
      config.ACCOMMODATION_STALE_AFTER_HOURS,
      locationBase,
    ),
    decideOffer: new DecideOffer(
      transaction,
      requests,
      offers,
      properties,
      placements,
      rounds,
      outbox,
      log,
      locationBase,
    ),
    timers,
    async close() {
      await retention.stop();
      await reencryption.stop();
      await timers.stop();
      await consumer.stop();
      await relay.stop();
      await database.close();
    },
  };
}
