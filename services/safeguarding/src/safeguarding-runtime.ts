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
  FieldCipher,
  type IdentityStore,
  openServiceDatabase,
  type Logger,
  postgresReadiness,
  type ReadinessCheck,
  RetentionPurge,
  kafkaHeartbeatIntervalMs,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { BedRequestAlertStore } from './accommodation/bed-request-alert-store';
import { BedRequestHandler } from './accommodation/bed-request-handler';
import { AlertPublisher, ALERT_REQUESTED } from './alerts/alert-publisher';
import type { SafeguardingConfig } from './config';
import { CheckKnownVictim, KnownVictimIndex } from './known-victims/known-victim-index';
import { LocationIndex } from './known-victims/location-index';
import { CreateSafeguarding1764300000000 } from './migrations/1764300000000-create-safeguarding';
import { CasesAndKnownVictimIndex1764800000000 } from './migrations/1764800000000-cases-and-known-victim-index';
import { Operations1764900000000 } from './migrations/1764900000000-operations';
import { BedRequestAlerts1765000000000 } from './migrations/1765000000000-bed-request-alerts';
import { SafeguardingRetention1765300000000 } from './migrations/1765300000000-safeguarding-retention';
import { MissingEpisodeHandler } from './missing-episodes/missing-episode-handler';
import { MissingEpisodeStore } from './missing-episodes/missing-episode-store';
import { OperationAlerts, type OperationSettings } from './operations/operation-alerts';
import { OperationHandler } from './operations/operation-handler';
import { OperationStore } from './operations/operation-store';
import { OperationTimers } from './operations/operation-timers';
import { PersonKeys } from './people/person-keys';
import { ReferralCaseStore } from './referrals/referral-case-store';
import { ReferralHandler } from './referrals/referral-handler';
import { SAFEGUARDING_RETENTION_POLICY } from './retention/safeguarding-retention-policy';
import { ScheduledActionPoller } from './scheduling/scheduled-action-poller';
import { ScheduledActionStore } from './scheduling/scheduled-action-store';
import { SAFEGUARDING_ENCRYPTED_COLUMNS } from './security/encrypted-columns';

export interface SafeguardingRuntime {
  config: SafeguardingConfig;
  logger: Logger;
  dataSource: DataSource;
  identity: IdentityStore;
  readiness: ReadinessCheck[];
  checkKnownVictim: CheckKnownVictim;
  close(): Promise<void>;
}

export const SAFEGUARDING_MIGRATIONS = [
  CreateSafeguarding1764300000000,
  CasesAndKnownVictimIndex1764800000000,
  Operations1764900000000,
  BedRequestAlerts1765000000000,
  SafeguardingRetention1765300000000,
];

/** The operation rules' settings, from configuration. */
export function operationSettingsOf(config: SafeguardingConfig): OperationSettings {
  return {
    prebriefMinHours: config.OPERATION_PREBRIEF_MIN_HOURS,
    displacementWatchHours: config.OPERATION_DISPLACEMENT_WATCH_HOURS,
    releaseLeadMinutes: config.OPERATION_RELEASE_LEAD_MINUTES,
    vettedKinds: config.OPERATION_VETTED_KINDS,
  };
}

/**
 * Opens the database, the outbox relay, the consumer of the intake topics and accommodation's
 * placement topic, and the poller of the operation timers.
 */
export async function openSafeguardingRuntime(
  config: SafeguardingConfig,
  logger?: Logger,
): Promise<SafeguardingRuntime> {
  const log = logger ?? createLogger({ service: 'safeguarding', level: config.LOG_LEVEL });
  const schema = config.SAFEGUARDING_DB_SCHEMA;
  const cipher = FieldCipher.fromConfig(config);
  const database = await openServiceDatabase({
    service: 'safeguarding',
    databaseUrl: config.DATABASE_URL,
    schema,
    migrations: SAFEGUARDING_MIGRATIONS,
  });
  const { dataSource } = database;

  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? 'harbour-safeguarding',
    logger: log,
  });
  const missingEpisodeTopic = topicFor('harbour.missing-episode.reported');
  const referralTopic = topicFor('harbour.referral.submitted');
  const operationTopic = topicFor('harbour.operation.planned');
  const placementTopic = topicFor('harbour.bed.offered');
  await ensureTopics(kafka, [
    missingEpisodeTopic,
    referralTopic,
    operationTopic,
    placementTopic,
    topicFor(ALERT_REQUESTED),
  ]);
  const outbox = new Outbox({ schema, source: '/harbour/safeguarding', validator: validateEvent });
  const relay = new OutboxRelay({ dataSource, schema, kafka, logger: log });
  await relay.start();
  // After a key rotation (retired keys configured), moves every field to the current key.
  const reencryption = DataReencryption.startIfKeysRetired({
    dataSource,
    schema,
    cipher,
    columns: SAFEGUARDING_ENCRYPTED_COLUMNS,
    logger: log,
  });

  const alerts = new AlertPublisher(schema, outbox);
  const personKeys = new PersonKeys(schema, cipher);
  const locations = new LocationIndex(schema, cipher);
  const referralCases = new ReferralCaseStore(schema);
  const missingEpisodes = new MissingEpisodeHandler(
    new MissingEpisodeStore(schema),
    referralCases,
    personKeys,
    locations,
    alerts,
    cipher,
    log,
  );
  const referrals = new ReferralHandler(
    referralCases,
    personKeys,
    locations,
    alerts,
    cipher,
    missingEpisodes,
    log,
  );
  const knownVictims = new KnownVictimIndex(schema, cipher);
  const operationSettings = operationSettingsOf(config);
  const operationStore = new OperationStore(schema);
  const timers = new ScheduledActionStore(schema);
  const operationAlerts = new OperationAlerts(operationStore, timers, alerts, operationSettings);
  const operations = new OperationHandler(
    operationStore,
    timers,
    operationAlerts,
    knownVictims,
    cipher,
    operationSettings,
    log,
  );
  const operationTimers = new OperationTimers(
    operationStore,
    operationAlerts,
    alerts,
    cipher,
    operationSettings,
    log,
  );
  const bedRequests = new BedRequestHandler(
    new BedRequestAlertStore(schema),
    alerts,
    { accommodationPublicUrl: config.ACCOMMODATION_PUBLIC_URL },
    log,
  );
  // A database poller, not BullMQ: this service has no Redis (see the README).
  const poller = new ScheduledActionPoller({
    dataSource,
    store: timers,
    fire: (action, manager) => operationTimers.fire(action, manager),
    logger: log,
    pollIntervalMs: config.OPERATION_TIMER_POLL_MS,
    afterCommit: () => relay.kick(),
  });
  const consumer = new EventConsumer({
    kafka,
    groupId: config.SAFEGUARDING_KAFKA_GROUP,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: kafkaHeartbeatIntervalMs(config.KAFKA_SESSION_TIMEOUT_MS),
    // Decisions read what other keys' events left (a child's open referral, her earlier episodes,
    // a known victim at an operation's address), and each rule is written for either order of two
    // events, not for both running at once: side by side, each event's transaction is
    // serializable, so Postgres turns back one of two that overlap and it runs again after the
    // other (ADR-36).
    concurrency: config.SAFEGUARDING_CONSUMER_CONCURRENCY,
    ...(config.SAFEGUARDING_CONSUMER_CONCURRENCY > 1
      ? { isolation: 'SERIALIZABLE' as const }
      : { partitionsConsumedConcurrently: 1 }),
    topics: [missingEpisodeTopic, referralTopic, operationTopic, placementTopic],
    dataSource,
    schema,
    validator: validateEvent,
    logger: log,
    fromBeginning: true,
    handlers: {
      'harbour.missing-episode.reported': (event, manager) =>
        missingEpisodes.onReported(event, manager),
      'harbour.missing-episode.risk-regraded': (event, manager) =>
        missingEpisodes.onRiskRegraded(event, manager),
      'harbour.missing-episode.updated': (event, manager) =>
        missingEpisodes.onUpdated(event, manager),
      'harbour.missing-episode.found': (event, manager) => missingEpisodes.onFound(event, manager),
      'harbour.missing-episode.return-interview-recorded': (event, manager) =>
        missingEpisodes.onReturnInterviewRecorded(event, manager),
      'harbour.referral.submitted': (event, manager) => referrals.onSubmitted(event, manager),
      'harbour.referral.decision-recorded': (event, manager) =>
        referrals.onDecisionRecorded(event, manager),
      'harbour.operation.planned': (event, manager) => operations.onPlanned(event, manager),
      'harbour.operation.updated': (event, manager) => operations.onUpdated(event, manager),
      'harbour.operation.cancelled': (event, manager) => operations.onCancelled(event, manager),
      'harbour.operation.outcome-recorded': (event, manager) =>
        operations.onOutcomeRecorded(event, manager),
      'harbour.bed.offered': (event, manager) => bedRequests.onOffered(event, manager),
      'harbour.bed.offer-expired': (event, manager) => bedRequests.onOfferExpired(event, manager),
      'harbour.placement.confirmed': (event, manager) =>
        bedRequests.onPlacementConfirmed(event, manager),
      'harbour.bed-request.unmatched': (event, manager) => bedRequests.onUnmatched(event, manager),
    },
    afterCommit: () => {
      void relay.kick();
      // A plan or update made late has a release already due: fire it now, not on the next tick.
      void poller.kick();
    },
  });
  await consumer.start();
  poller.start();
  // Purges what the retention policy says is due, on its timer (docs/retention.md).
  const retention = new RetentionPurge({
    dataSource,
    policy: SAFEGUARDING_RETENTION_POLICY,
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
    checkKnownVictim: new CheckKnownVictim(schema, dataSource, knownVictims),
    async close() {
      await retention.stop();
      await reencryption.stop();
      await poller.stop();
      await consumer.stop();
      await relay.stop();
      await database.close();
    },
  };
}
