import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
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
import { createSafeguardingApp } from './bootstrap';
import { loadSafeguardingConfig } from './config';

jest.setTimeout(90_000);

describe('safeguarding: missing episode → alert requested', () => {
  let schema: TestSchema;
  let app: INestApplication;
  let producer: Producer;
  let consumer: Consumer;
  let db: Client;
  const alerts: HarbourEvent[] = [];
  const logger = createLogger({ service: 'safeguarding-test', level: 'warn' });

  beforeAll(async () => {
    schema = await createTestSchema('safeguarding');
    const config = loadSafeguardingConfig({
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      SAFEGUARDING_DB_SCHEMA: schema.schema,
      SAFEGUARDING_KAFKA_GROUP: uniqueName('safeguarding'),
      DATA_ENCRYPTION_KEY: generateDataEncryptionKey(),
    });
    app = await createSafeguardingApp(config, logger);
    await app.listen(0, '127.0.0.1');
    const kafka = createKafka({
      brokers: testKafkaBrokers(),
      clientId: 'safeguarding-test',
      logger,
    });
    producer = kafka.producer();
    await producer.connect();
    consumer = kafka.consumer({ groupId: uniqueName('alerts-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: 'harbour.safeguarding.alert.v1', fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const event = eventOrUndefined(message);
        if (event !== undefined) alerts.push(event);
        return Promise.resolve();
      },
    });
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });

  afterAll(async () => {
    await consumer.disconnect();
    await producer.disconnect();
    await app.close();
    await db.end();
    await schema.drop();
  });

  const reported = (episodeId: string, overrides: Record<string, unknown> = {}) =>
    createEvent({
      type: 'harbour.missing-episode.reported',
      source: '/harbour/intake',
      subject: episodeId,
      data: {
        episodeId,
        reportedBy: { organisationId: randomUUID(), organisationKind: 'police_borough' },
        reportedAt: new Date().toISOString(),
        child: { ageYears: 15, ageDisputed: false, gender: 'female' },
        isChild: true,
        traffickingMarkers: ['ictg_allocated'],
        borough: 'E09000007',
        riskGrade: 'medium',
        lastSeenAt: new Date().toISOString(),
        ...overrides,
      },
    });

  // Other safeguarding instances (the end-to-end stack) may share these topics: only alerts
  // this instance decided count, and its decisions carry its alert ids.
  const decidedHere = async (episodeId: string): Promise<string[]> =>
    (
      await db.query<{ alert_id: string }>(
        `SELECT alert_id FROM "${schema.schema}".alert_decision WHERE cause_id = $1`,
        [episodeId],
      )
    ).rows.map((r) => r.alert_id);
  const alertsHere = async (episodeId: string): Promise<HarbourEvent[]> => {
    const ids = await decidedHere(episodeId);
    return alerts.filter((a) => ids.includes((a.data as { alertId: string }).alertId));
  };
  const alertFor = (episodeId: string) =>
    expectEventually(
      async () => {
        const [found] = await alertsHere(episodeId);
        if (!found) throw new Error('no alert yet');
        return found;
      },
      { timeoutMs: 45_000, description: `the alert for episode ${episodeId}` },
    );

  it('raises one critical alert for the borough missing-person unit, even if the event arrives twice', async () => {
    const episodeId = randomUUID();
    const event = reported(episodeId);
    const message = toKafkaMessage(event, episodeId);
    await producer.send({
      topic: 'harbour.intake.missing-episode.v1',
      messages: [message, message],
    });
    const alert = await alertFor(episodeId);
    expect(alert.type).toBe('harbour.alert.requested');
    expect(alert.data).toMatchObject({
      severity: 'critical',
      acknowledgeWithinMinutes: 15,
      audience: {
        roles: ['missing_person_unit', 'police_specialist', 'local_authority', 'ngo'],
        boroughs: ['E09000007'],
      },
      cause: { kind: 'missing_episode', id: episodeId, eventId: event.id },
    });
    // Exactly-once effect: the duplicate was a no-op (one decision, one alert on the topic).
    const decisions = await expectEventually(async () => {
      const rows = await db.query<{ severity: string }>(
        `SELECT severity FROM "${schema.schema}".alert_decision WHERE cause_id = $1`,
        [episodeId],
      );
      if (rows.rowCount === 0) throw new Error('none');
      return rows.rows;
    });
    expect(decisions).toEqual([{ severity: 'critical' }]);
    const later = randomUUID();
    await producer.send({
      topic: 'harbour.intake.missing-episode.v1',
      messages: [toKafkaMessage(reported(later), later)],
    });
    await alertFor(later);
    expect(await alertsHere(episodeId)).toHaveLength(1);
  });

  it('sends an invalid event to the DLQ and keeps consuming', async () => {
    const bad = randomUUID();
    const good = randomUUID();
    await producer.send({
      topic: 'harbour.intake.missing-episode.v1',
      // Same key, so the same partition: the poison message is ahead of the good one.
      messages: [
        toKafkaMessage(reported(bad, { borough: 'not-a-borough' }), good),
        toKafkaMessage(reported(good), good),
      ],
    });
    await alertFor(good);
    expect(await decidedHere(bad)).toEqual([]);
    expect(alerts.some((a) => (a.data as { cause?: { id: string } }).cause?.id === bad)).toBe(
      false,
    );
  });
});
