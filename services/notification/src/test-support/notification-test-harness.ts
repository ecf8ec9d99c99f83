import { randomUUID } from 'node:crypto';
import { type AlertRequested, type OrganisationKind, validateEvent } from '@harbour/contracts';
import {
  dlqTopicOf,
  ensureTopics,
  type EventConsumerOptions,
  EventConsumer,
  type HarbourEvent,
  type Kickable,
  Outbox,
  toKafkaMessage,
} from '@harbour/messaging';
import {
  expectEventually,
  testRedisUrl,
  testSmtpUrl,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import {
  type INestApplication,
  Module,
  type NestApplicationOptions,
  type Provider,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  configureHttpApp,
  FieldCipher,
  generateDataEncryptionKey,
  type IdentityStore,
  type Logger,
  PersonalDataReads,
  PlatformModule,
  type Role,
} from '@harbour/platform';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { type Admin, type Kafka, Partitioners, type Producer } from 'kafkajs';
import {
  ACKNOWLEDGEMENT_CONTROLLERS,
  acknowledgementProviders,
  openAcknowledgements,
} from '../acknowledgement/open-acknowledgements';
import { CauseAlertsController } from '../causes/cause-alerts.controller';
import { WebhookSecretStore } from '../channels/webhook-secret-store';
import { CauseAlertsRepository } from '../causes/cause-alerts-repository';
import type { DeliveryPipelineConfig } from '../delivery/delivery-pipeline';
import type { DirectoryRepository } from '../directory/directory-repository';
import { escalationQueueName } from '../escalation/escalation-jobs';
import { CAUSE_ALERTS_REPOSITORY, PERSONAL_DATA_READS } from '../tokens';
import {
  type Escalation,
  type EscalationOptions,
  startEscalation,
} from '../escalation/start-escalation';

/** A data key of the test's own, as the service's `DATA_ENCRYPTION_KEY` would be. */
export function testFieldCipher(): FieldCipher {
  return FieldCipher.fromBase64Key(generateDataEncryptionKey());
}

/**
 * Webhook signing secrets for a test's delivery pipeline, encrypted under `cipher` (the one its
 * directory adds webhook contacts with; a key of its own when the test sends no webhook).
 */
export function testWebhookSecrets(
  dataSource: DataSource,
  cipher: FieldCipher = testFieldCipher(),
): WebhookSecretStore {
  return new WebhookSecretStore(dataSource, cipher);
}

/** No relay runs in these tests: what the outbox holds is read from its table. */
export const NO_RELAY: Kickable = { kick: () => Promise.resolve() };

/** The service's outbox on a test schema. */
export function notificationTestOutbox(schema: TestSchema): Outbox {
  return new Outbox({
    schema: schema.schema,
    source: '/harbour/notification',
    validator: validateEvent,
  });
}

/**
 * Delivery pipeline settings for a test on its own queues: quick retries and sweeps, rates no
 * test reaches, the test SMTP server. A test overrides what it is about.
 */
export function testDeliveryConfig(
  queues: Pick<DeliveryPipelineConfig, 'NOTIFICATION_QUEUE_NAME' | 'NOTIFICATION_QUEUE_PREFIX'>,
  overrides: Partial<DeliveryPipelineConfig> = {},
): DeliveryPipelineConfig {
  return {
    REDIS_URL: testRedisUrl(),
    NOTIFICATION_DELIVERY_CONCURRENCY: 4,
    NOTIFICATION_DELIVERY_ATTEMPTS: 3,
    NOTIFICATION_RETRY_BASE_MS: 100,
    NOTIFICATION_RETRY_MAX_MS: 500,
    NOTIFICATION_SWEEP_INTERVAL_MS: 200,
    NOTIFICATION_SMTP_MAX_CONNECTIONS: 2,
    NOTIFICATION_EMAIL_RATE_PER_SECOND: 100,
    NOTIFICATION_WEBHOOK_RATE_PER_SECOND: 100,
    NOTIFICATION_WEBHOOK_TIMEOUT_MS: 2000,
    SMTP_URL: testSmtpUrl(),
    SMTP_FROM: 'Harbour <alerts@harbour.localhost>',
    ...queues,
    ...overrides,
  };
}

/**
 * Escalation next to a test's delivery pipeline (its queue beside the pipeline's, under the same
 * prefix), sweeping every 200 ms, with policy minutes of `minuteMs`.
 */
export function startTestEscalation(
  options: Pick<
    EscalationOptions,
    'dataSource' | 'directory' | 'outbox' | 'dispatcher' | 'logger' | 'queuePrefix' | 'minuteMs'
  > & { deliveryQueueName: string },
): Promise<Escalation> {
  const { deliveryQueueName, ...rest } = options;
  return startEscalation({
    ...rest,
    relay: NO_RELAY,
    redisUrl: testRedisUrl(),
    queueName: escalationQueueName(deliveryQueueName),
    sweepIntervalMs: 200,
  });
}

/** Deletes every Redis key under a test's queue prefix. */
export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl());
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
      const batch = keys as string[];
      if (batch.length > 0) await redis.del(...batch);
    }
  } finally {
    redis.disconnect();
  }
}

/** An organisation with one e-mail contact; its id. */
export async function addOrganisationWithEmail(
  directory: DirectoryRepository,
  organisation: { name: string; kind: OrganisationKind; boroughs: string[]; email: string },
): Promise<string> {
  const { id } = (
    await directory.addOrganisation({
      id: randomUUID(),
      name: organisation.name,
      kind: organisation.kind,
      boroughs: organisation.boroughs,
    })
  ).value;
  await directory.addContact({ organisationId: id, channel: 'email', address: organisation.email });
  return id;
}

/** A partner organisation set up by a test, with its duty inbox and a way to issue it keys. */
export interface TestPartner {
  id: string;
  /** Its duty inbox. */
  email: string;
  key(role: Role): Promise<string>;
}

/**
 * An organisation in the identity store and the directory, with one e-mail contact; `run` makes
 * its name and address unique to the test run.
 */
export async function addTestPartner(
  stores: { identity: IdentityStore; directory: DirectoryRepository; run: string },
  partner: { name: string; kind: OrganisationKind; boroughs: string[]; specialisms?: string[] },
): Promise<TestPartner> {
  const { identity, directory, run } = stores;
  const { kind, boroughs } = partner;
  const organisation = await identity.createOrganisation({
    name: `${partner.name} ${run}`,
    kind,
    boroughs,
  });
  await directory.addOrganisation({
    id: organisation.id,
    name: organisation.name,
    kind,
    boroughs,
    ...(partner.specialisms !== undefined ? { specialisms: partner.specialisms } : {}),
  });
  const email = `${partner.name.toLowerCase().replace(/\W+/g, '.')}.${run}@test.harbour.localhost`;
  await directory.addContact({ organisationId: organisation.id, channel: 'email', address: email });
  return {
    id: organisation.id,
    email,
    key: async (role) =>
      (await identity.issueApiKey({ organisationId: organisation.id, roles: [role], label: run }))
        .key,
  };
}

/**
 * The HTTP side a cause's owner and its recipients use — `GET /v1/causes/{kind}/{id}/alerts` and
 * the acknowledgement API and links — behind the real API-key guard, listening on a free port.
 */
export async function startCauseAlertsApp(options: {
  service: string;
  dataSource: DataSource;
  identity: IdentityStore;
  outbox: Outbox;
  logger: Logger;
  /** Encrypts and opens partners' responses; default a key of the app's own. */
  cipher?: FieldCipher;
}): Promise<{ app: INestApplication; baseUrl: string }> {
  const { service, dataSource, identity, outbox, logger } = options;
  const cipher = options.cipher ?? testFieldCipher();
  const acknowledgements = openAcknowledgements({
    config: {
      NOTIFICATION_ACK_SECRET: `${service}-secret-0123456789-abcdefghijklmnop`,
      NOTIFICATION_PUBLIC_URL: 'http://127.0.0.1:8083',
      NOTIFICATION_ACK_GRACE_MINUTES: 60,
    },
    dataSource,
    cipher,
    outbox,
    relay: NO_RELAY,
    logger,
  });
  return startGuardedTestApp({
    service,
    logger,
    identity,
    controllers: [CauseAlertsController, ...ACKNOWLEDGEMENT_CONTROLLERS],
    providers: [
      {
        provide: CAUSE_ALERTS_REPOSITORY,
        useValue: new CauseAlertsRepository(dataSource, cipher),
      },
      { provide: PERSONAL_DATA_READS, useValue: new PersonalDataReads(dataSource) },
      ...acknowledgementProviders(acknowledgements),
    ],
  });
}

/**
 * Controllers behind the real API-key guard and the service's HTTP set-up (problem+json, limits,
 * headers), with the providers they need, listening on a free port of 127.0.0.1.
 */
export async function startGuardedTestApp(options: {
  service: string;
  logger: Logger;
  identity: IdentityStore;
  controllers: Type[];
  providers: Provider[];
}): Promise<{ app: INestApplication; baseUrl: string }> {
  const { service, logger, identity, controllers, providers } = options;
  @Module({
    imports: [PlatformModule.forRoot({ service, logger, identity, readiness: [] })],
    controllers,
    providers,
  })
  class GuardedTestModule {}
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const appOptions: NestApplicationOptions = { bufferLogs: true };
  const app = await NestFactory.create(GuardedTestModule, appOptions);
  configureHttpApp(app, { logger });
  await app.listen(0, '127.0.0.1');
  return { app, baseUrl: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/** Where a batch of published events landed: its partition and the offset of the last one. */
export interface PublishedPosition {
  partition: number;
  lastOffset: bigint;
}

/** Publishes the events in order, keyed by `key`; returns where the last one landed. */
export async function publishEvents(
  producer: Producer,
  topic: string,
  key: string,
  events: readonly HarbourEvent[],
): Promise<PublishedPosition> {
  const [metadata] = await producer.send({
    topic,
    acks: -1,
    messages: events.map((event) => toKafkaMessage(event, key)),
  });
  if (metadata?.baseOffset === undefined) throw new Error('no offset from the broker');
  return {
    partition: metadata.partition,
    lastOffset: BigInt(metadata.baseOffset) + BigInt(events.length - 1),
  };
}

/** Waits until the consumer group has committed past `position`: it has handled those events. */
export async function waitUntilConsumedPast(
  admin: Admin,
  groupId: string,
  topic: string,
  position: PublishedPosition,
): Promise<void> {
  await expectEventually(
    async () => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const committed = offsets?.partitions.find((p) => p.partition === position.partition);
      if (committed === undefined || BigInt(committed.offset) <= position.lastOffset) {
        throw new Error('not yet');
      }
    },
    { timeoutMs: 60_000, description: 'the consumer to pass the published offset' },
  );
}

/**
 * A topic of the test's own (so no other suite reads its events), consumed by the service's
 * `EventConsumer` with short retries (so a failing event reaches the dead-letter topic quickly),
 * with a producer and an admin client.
 */
export interface TestEventTopic {
  topic: string;
  groupId: string;
  /** Publishes the events in order, keyed by `key`; returns where the last one landed. */
  publish(key: string, ...events: HarbourEvent[]): Promise<PublishedPosition>;
  /** Waits until the consumer has handled everything up to `position`. */
  consumedPast(position: PublishedPosition): Promise<void>;
  /** Stops the consumer and deletes the topic and its dead-letter topic. */
  stop(): Promise<void>;
}

export async function startTestEventTopic(
  kafka: Kafka,
  name: string,
  consumer: Pick<
    EventConsumerOptions,
    'dataSource' | 'schema' | 'logger' | 'handlers' | 'afterCommit'
  >,
): Promise<TestEventTopic> {
  const topic = uniqueName(`harbour.test.${name}`);
  const groupId = uniqueName(name);
  await ensureTopics(kafka, [topic]);
  const eventConsumer = new EventConsumer({
    ...consumer,
    kafka,
    groupId,
    topics: [topic],
    validator: validateEvent,
    fromBeginning: true,
    retry: { attempts: 3, initialDelayMs: 100, maxDelayMs: 200 },
  });
  await eventConsumer.start();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const admin = kafka.admin();
  await admin.connect();
  return {
    topic,
    groupId,
    publish: (key, ...events) => publishEvents(producer, topic, key, events),
    consumedPast: (position) => waitUntilConsumedPast(admin, groupId, topic, position),
    async stop() {
      await eventConsumer.stop();
      await producer.disconnect();
      const existing = new Set(await admin.listTopics());
      const doomed = [topic, dlqTopicOf(topic)].filter((t) => existing.has(t));
      if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
      await admin.disconnect();
    },
  };
}

/** A high-severity alert for Camden's missing-person units, with fresh ids (the delivery tests' fixture). */
export function highRiskAlertRequested(): AlertRequested {
  return {
    alertId: randomUUID(),
    cause: { kind: 'missing_episode', id: randomUUID(), eventId: randomUUID() },
    severity: 'high',
    acknowledgeWithinMinutes: 60,
    audience: { roles: ['missing_person_unit'], boroughs: ['E09000007'] },
    disclosure: { level: 'notice' },
    summary: {
      title: 'Missing adult — high risk',
      lines: [{ label: 'Police risk grade', value: 'high' }],
    },
    requestedAt: new Date().toISOString(),
  };
}
