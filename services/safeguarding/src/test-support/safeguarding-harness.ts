import type { INestApplication } from '@nestjs/common';
import { type EventType, topicFor } from '@harbour/contracts';
import {
  createEvent,
  createKafka,
  eventOrUndefined,
  type HarbourEvent,
  toKafkaMessage,
} from '@harbour/messaging';
import { createLogger, generateDataEncryptionKey } from '@harbour/platform';
import {
  createTestSchema,
  expectEventually,
  testDatabaseUrl,
  testKafkaBrokers,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import type { Consumer, Producer } from 'kafkajs';
import { Client } from 'pg';
import { createSafeguardingApp } from '../bootstrap';
import { loadSafeguardingConfig } from '../config';

/**
 * A safeguarding service on a fresh schema, consuming the shared intake topics, plus a producer
 * for intake events and a reader of the alert topic. Other services and tests share the topics:
 * only alerts this instance decided (its `alert_decision` rows) count.
 */
export interface SafeguardingHarness {
  schema: string;
  baseUrl: string;
  db: Client;
  /** Publishes an intake event of `type` on its topic, keyed by `key`. */
  publish<T>(type: EventType, data: T, key: string): Promise<HarbourEvent<T>>;
  /** Publishes an event of `type` as another service would (e.g. `/harbour/accommodation`). */
  publishFrom<T>(source: string, type: EventType, data: T, key: string): Promise<HarbourEvent<T>>;
  /** Sends already built events (e.g. the same one twice) on their type's topic. */
  send(events: HarbourEvent[], key: string): Promise<void>;
  /** Every alert-topic event (requested, stage released, cancelled) of alerts decided here about `causeId`. */
  alertEventsAbout(causeId: string): Promise<HarbourEvent[]>;
  /** Polls `alertEventsAbout` until `pick` returns something. */
  waitForAlertEvents<T>(
    causeId: string,
    pick: (events: HarbourEvent[]) => T | undefined,
    description: string,
  ): Promise<T>;
  close(): Promise<void>;
}

/** `env` overrides configuration (e.g. a short operational release lead for timer tests). */
export async function startSafeguardingHarness(
  prefix: string,
  env: Record<string, string> = {},
): Promise<SafeguardingHarness> {
  const schema: TestSchema = await createTestSchema(prefix);
  const logger = createLogger({ service: `${prefix}-test`, level: 'warn' });
  const config = loadSafeguardingConfig({
    ...process.env,
    DATABASE_URL: testDatabaseUrl(),
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    SAFEGUARDING_DB_SCHEMA: schema.schema,
    SAFEGUARDING_KAFKA_GROUP: uniqueName(prefix),
    DATA_ENCRYPTION_KEY: generateDataEncryptionKey(),
    ...env,
  });
  const app: INestApplication = await createSafeguardingApp(config, logger);
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: `${prefix}-test`, logger });
  const producer: Producer = kafka.producer();
  await producer.connect();
  const reader: Consumer = kafka.consumer({ groupId: uniqueName(`${prefix}-alerts`) });
  await reader.connect();
  await reader.subscribe({ topic: topicFor('harbour.alert.requested'), fromBeginning: true });
  const seen: HarbourEvent[] = [];
  await reader.run({
    eachMessage: ({ message }) => {
      // Shared topics carry other tests' poison messages: not events, not ours.
      const event = eventOrUndefined(message);
      if (event !== undefined) seen.push(event);
      return Promise.resolve();
    },
  });
  const db = new Client({ connectionString: testDatabaseUrl() });
  await db.connect();

  const send = async (events: HarbourEvent[], key: string): Promise<void> => {
    const [first] = events;
    if (first === undefined) return;
    await producer.send({
      topic: topicFor(first.type as EventType),
      messages: events.map((event) => toKafkaMessage(event, key)),
    });
  };

  const alertEventsAbout = async (causeId: string): Promise<HarbourEvent[]> => {
    const ids = (
      await db.query<{ alert_id: string }>(
        `SELECT alert_id FROM "${schema.schema}".alert_decision WHERE cause_id = $1`,
        [causeId],
      )
    ).rows.map((r) => r.alert_id);
    return seen.filter((e) => ids.includes((e.data as { alertId: string }).alertId));
  };

  return {
    schema: schema.schema,
    baseUrl,
    db,
    async publish<T>(type: EventType, data: T, key: string): Promise<HarbourEvent<T>> {
      const event = createEvent({ type, source: '/harbour/intake', subject: key, data });
      await send([event], key);
      return event;
    },
    async publishFrom<T>(
      source: string,
      type: EventType,
      data: T,
      key: string,
    ): Promise<HarbourEvent<T>> {
      const event = createEvent({ type, source, subject: key, data });
      await send([event], key);
      return event;
    },
    send,
    alertEventsAbout,
    waitForAlertEvents: (causeId, pick, description) =>
      expectEventually(
        async () => {
          const picked = pick(await alertEventsAbout(causeId));
          if (picked === undefined) throw new Error(`not yet: ${description}`);
          return picked;
        },
        { timeoutMs: 45_000, description },
      ),
    async close() {
      await reader.disconnect();
      await producer.disconnect();
      await app.close();
      await db.end();
      await schema.drop();
    },
  };
}

/** Events of one type, in topic order. */
export function ofType(events: HarbourEvent[], type: EventType): HarbourEvent[] {
  return events.filter((e) => e.type === type);
}
