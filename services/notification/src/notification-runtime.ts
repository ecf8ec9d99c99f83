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
  redisReadiness,
} from '@harbour/platform';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { AlertRepository } from './alerts/alert-repository';
import { ALERT_REQUESTED, AlertRequestedHandler } from './alerts/alert-requested-handler';
import type { NotificationConfig } from './config';
import { createSmtpMailer } from './delivery/alert-mailer';
import { ALERT_DELIVERED, DeliverAlert } from './delivery/deliver-alert';
import { DeliveryDispatcher } from './delivery/delivery-dispatcher';
import { BullDeliveryJobs, type DeliveryJobData } from './delivery/delivery-jobs';
import { DeliveryRepository } from './delivery/delivery-repository';
import { startDeliveryWorker } from './delivery/delivery-worker';
import { DirectoryRepository } from './directory/directory-repository';
import { NOTIFICATION_MIGRATIONS } from './migrations';

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
  });
  const { dataSource } = database;

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

  const directory = new DirectoryRepository(dataSource);
  const alerts = new AlertRepository(dataSource);
  const deliveries = new DeliveryRepository(dataSource);

  // Producers fail fast while Redis is away (the sweep retries); the worker waits it out.
  const queueRedis = new Redis(config.REDIS_URL, { enableOfflineQueue: false });
  const workerRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  for (const redis of [queueRedis, workerRedis]) {
    redis.on('error', (error: Error) => {
      log.debug({ err: `${error.name}: ${error.message}` }, 'redis connection error');
    });
  }
  const queue = new Queue<DeliveryJobData>(config.NOTIFICATION_QUEUE_NAME, {
    connection: queueRedis,
    prefix: config.NOTIFICATION_QUEUE_PREFIX,
  });
  queue.on('error', (error: Error) => {
    log.warn({ err: `${error.name}: ${error.message}` }, 'delivery queue error');
  });
  await queue.waitUntilReady();
  const mailer = createSmtpMailer({
    url: config.SMTP_URL,
    from: config.SMTP_FROM,
    maxConnections: config.NOTIFICATION_SMTP_MAX_CONNECTIONS,
  });
  const dispatcher = new DeliveryDispatcher({
    deliveries,
    jobs: new BullDeliveryJobs(queue, config.NOTIFICATION_DELIVERY_ATTEMPTS),
    logger: log,
    sweepIntervalMs: config.NOTIFICATION_SWEEP_INTERVAL_MS,
  });
  const worker: Worker<DeliveryJobData> = startDeliveryWorker({
    queueName: config.NOTIFICATION_QUEUE_NAME,
    prefix: config.NOTIFICATION_QUEUE_PREFIX,
    connection: workerRedis,
    concurrency: config.NOTIFICATION_DELIVERY_CONCURRENCY,
    retry: { baseMs: config.NOTIFICATION_RETRY_BASE_MS, maxMs: config.NOTIFICATION_RETRY_MAX_MS },
    deliverAlert: new DeliverAlert({
      dataSource,
      alerts,
      deliveries,
      mailer,
      outbox,
      relay,
      logger: log,
      maxAttempts: config.NOTIFICATION_DELIVERY_ATTEMPTS,
    }),
    logger: log,
  });
  dispatcher.start();

  const handler = new AlertRequestedHandler(alerts, directory, deliveries, log);
  const consumer = new EventConsumer({
    kafka,
    groupId: config.NOTIFICATION_KAFKA_GROUP,
    topics: [alertTopic],
    dataSource,
    schema,
    validator: validateEvent,
    logger: log,
    fromBeginning: true,
    handlers: {
      [ALERT_REQUESTED]: (event, manager) => handler.onRequested(event, manager),
    },
    // Runs once the handler's transaction has committed: its deliveries are visible now.
    afterCommit: () => Promise.all([dispatcher.kick(), relay.kick()]),
  });
  await consumer.start();

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    // In this order: no new alerts, no new jobs, sends in flight finish and record their
    // outcome, their events are published, then the connections close. One failing step does
    // not keep the others from running.
    const steps: [string, () => Promise<void> | void][] = [
      ['consumer', () => consumer.stop()],
      ['dispatcher', () => dispatcher.stop()],
      ['worker', () => worker.close()],
      ['queue', () => queue.close()],
      [
        'mailer',
        () => {
          mailer.close();
        },
      ],
      ['relay', () => relay.stop()],
      [
        'redis',
        () => {
          queueRedis.disconnect();
          workerRedis.disconnect();
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
    readiness: [postgresReadiness(dataSource), redisReadiness(queueRedis), kafkaReadiness(kafka)],
    close: () => (closing ??= close()),
  };
}
