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
import type { AuditChains } from './audit/audit-chains';
import { WebhookSecretStore } from './channels/webhook-secret-store';
import { AlertRepository } from './alerts/alert-repository';
import {
  alertEventHandlers,
  armsEscalationSoon,
  cancelsEscalation,
} from './alerts/alert-event-handlers';
import { ALERT_REQUESTED } from './alerts/alert-requested-handler';
import type { NotificationConfig } from './config';
import { ALERT_DELIVERED } from './delivery/deliver-alert';
import type { DeliveryDispatcher } from './delivery/delivery-dispatcher';
import { startDeliveryPipeline } from './delivery/delivery-pipeline';
import { DeliveryRepository } from './delivery/delivery-repository';
import { DirectoryRepository } from './directory/directory-repository';
import {
  type Escalation,
  escalationSettings,
  startEscalation,
} from './escalation/start-escalation';
import { EscalationTimers } from './escalation/escalation-timers';
import { NOTIFICATION_MIGRATIONS } from './migrations';
import { NOTIFICATION_RETENTION_POLICY } from './retention/notification-retention-policy';
import { NOTIFICATION_ENCRYPTED_COLUMNS } from './security/encrypted-columns';
import { encryptPlaintextAtRest } from './security/encrypt-plaintext-at-rest';
import {
  type Acknowledgements,
  openAcknowledgements,
} from './acknowledgement/open-acknowledgements';

/** CloudEvents `source` of every event the notification service emits. */
export const NOTIFICATION_SOURCE = '/harbour/notification';

/** Everything the notification service connects to, opened before Nest starts and closed after it stops. */
export interface NotificationRuntime {
  config: NotificationConfig;
  logger: Logger;
  dataSource: DataSource;
  identity: IdentityStore;
  directory: DirectoryRepository;
  alerts: AlertRepository;
  deliveries: DeliveryRepository;
  dispatcher: DeliveryDispatcher;
  readiness: ReadinessCheck[];
  /** Encrypts webhook secrets and partners' responses at rest (`DATA_ENCRYPTION_KEY`). */
  cipher: FieldCipher;
  /** Webhook contacts' signing secrets: read to sign, rotated with overlap. */
  webhookSecrets: WebhookSecretStore;
  /** Acknowledgement links (`acknowledgements.links.acknowledgeUrlFor`) and their recording. */
  acknowledgements: Acknowledgements;
  /** Escalation timers (planned and inserted with the alert, in its transaction: `escalation.timers`). */
  escalation: Escalation;
  /** Notification's audit chain and the identity store's, as coordinators read them. */
  audit: AuditChains;
  close(): Promise<void>;
}

/**
 * Opens, in order: Postgres (running pending migrations), the outbox relay, the delivery queue,
 * worker and dispatcher, and last the alert-topic consumer, so nothing is consumed before it
 * can be delivered. `close()` stops them in reverse: no new alerts, no new jobs, in-flight sends
 * finish, their events are published, then the pools close.
 */
export async function openNotificationRuntime(
  config: NotificationConfig,
  logger?: Logger,
): Promise<NotificationRuntime> {
  const log = logger ?? createLogger({ service: 'notification', level: config.LOG_LEVEL });
  const schema = config.NOTIFICATION_DB_SCHEMA;
  const database = await openServiceDatabase({
    service: 'notification',
    databaseUrl: config.DATABASE_URL,
    schema,
    migrations: NOTIFICATION_MIGRATIONS,
    poolSize: config.NOTIFICATION_DB_POOL_SIZE,
  });
  const { dataSource } = database;
  const cipher = FieldCipher.fromConfig(config);
  // Before anything can sign a webhook or show a reply: what an earlier release stored in clear.
  await encryptPlaintextAtRest(dataSource, cipher, log);
  const webhookSecrets = new WebhookSecretStore(dataSource, cipher);

  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? 'harbour-notification',
    logger: log,
  });
  const alertTopic = topicFor(ALERT_REQUESTED);
  await ensureTopics(kafka, [alertTopic, topicFor(ALERT_DELIVERED)]);
  const outbox = new Outbox({ schema, source: NOTIFICATION_SOURCE, validator: validateEvent });
  const relay = new OutboxRelay({ dataSource, schema, kafka, logger: log });
  await relay.start();
  const acknowledgements = openAcknowledgements({
    config,
    dataSource,
    cipher,
    outbox,
    relay,
    logger: log,
  });

  const directory = new DirectoryRepository(dataSource, webhookSecrets);
  const alerts = new AlertRepository(dataSource);
  const deliveries = new DeliveryRepository(dataSource);

  const delivery = await startDeliveryPipeline({
    config,
    dataSource,
    alerts,
    deliveries,
    outbox,
    relay,
    logger: log,
    webhookSecrets,
    // A delivery that fails for good escalates its alert at once.
    escalation: new EscalationTimers(dataSource),
    acknowledgeUrl: (d, alert) =>
      acknowledgements.links.acknowledgeUrlFor({
        alertId: d.alertId,
        organisationId: d.organisationId,
        deliveryId: d.id,
        acknowledgeBy: alert.acknowledgeBy,
      }),
  });
  const { dispatcher } = delivery;
  const escalation = await startEscalation({
    ...escalationSettings(config),
    dataSource,
    directory,
    outbox,
    relay,
    dispatcher,
    logger: log,
  });

  const escalationClock = {
    minuteMs: config.NOTIFICATION_ESCALATION_MINUTE_MS,
    sweepIntervalMs: config.NOTIFICATION_ESCALATION_SWEEP_MS,
  };
  const consumer = new EventConsumer({
    kafka,
    groupId: config.NOTIFICATION_KAFKA_GROUP,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: kafkaHeartbeatIntervalMs(config.KAFKA_SESSION_TIMEOUT_MS),
    topics: [alertTopic],
    dataSource,
    schema,
    validator: validateEvent,
    logger: log,
    fromBeginning: true,
    concurrency: config.NOTIFICATION_CONSUMER_CONCURRENCY,
    // Requested, stage released, cancelled: one topic, keyed by alert id, so in order per alert.
    handlers: alertEventHandlers({
      dataSource,
      alerts,
      directory,
      deliveries,
      escalation: escalation.timers,
      logger: log,
    }),
    // Runs once the handler's transaction has committed: its deliveries and timers (new or
    // cancelled) are visible now. The alert topic's handlers write nothing to the outbox, so
    // the relay is not kicked (its own poll and the deliveries' kicks publish what they add),
    // and the escalation sweep only for a timer due before its next passes would queue it.
    afterCommit: (event) =>
      Promise.all([
        dispatcher.kick(),
        armsEscalationSoon(event, escalationClock) ? escalation.kick() : undefined,
        cancelsEscalation(event) ? escalation.disarm() : undefined,
      ]),
  });
  await consumer.start();
  // Purges what the retention policy says is due, on its own timer rather than a BullMQ job:
  // SKIP LOCKED already keeps instances apart (docs/retention.md).
  const retention = new RetentionPurge({
    dataSource,
    policy: NOTIFICATION_RETENTION_POLICY,
    settings: config.retention,
    logger: log,
  });
  retention.start();
  // After a key rotation (retired keys configured), moves every field to the current key.
  const reencryption = DataReencryption.startIfKeysRetired({
    dataSource,
    schema,
    cipher,
    columns: NOTIFICATION_ENCRYPTED_COLUMNS,
    logger: log,
  });

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    // In this order: no new alerts, no new jobs, sends in flight finish and record their
    // outcome, their events are published, then the connections close. One failing step does
    // not keep the others from running.
    const steps: [string, () => Promise<void> | void][] = [
      ['re-encryption', () => reencryption.stop()],
      ['retention', () => retention.stop()],
      ['consumer', () => consumer.stop()],
      ['escalation', () => escalation.close()],
      ['delivery', () => delivery.stop()],
      ['relay', () => relay.stop()],
      [
        'redis',
        () => {
          delivery.disconnect();
        },
      ],
      ['database', () => database.close()],
    ];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        log.error(
          {
            err: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            step: name,
          },
          'could not close cleanly',
        );
      }
    }
    log.info({}, 'notification runtime closed');
  };

  return {
    config,
    logger: log,
    dataSource,
    identity: database.identity,
    directory,
    alerts,
    deliveries,
    dispatcher,
    readiness: [postgresReadiness(dataSource), delivery.readiness, kafkaReadiness(kafka)],
    cipher,
    webhookSecrets,
    acknowledgements,
    escalation,
    audit: { notification: directory.audit, identity: database.identity.audit },
    close: () => (closing ??= close()),
  };
}
