// Tests may use the shared test infrastructure (the boundary rule is meant for production code).
import { testKafkaBrokers, uniqueName } from '@harbour/testing';
import { deleteTopics } from '../test/harness';
import { RecordingLogger } from '../test/recording-logger';
import { createKafka, dlqTopicOf, ensureTopics } from './kafka-client';
import { kafkaReadiness } from './kafka-readiness';

jest.setTimeout(30_000);

describe('Kafka client helpers (real Kafka)', () => {
  const kafka = createKafka({
    brokers: testKafkaBrokers(),
    clientId: 'messaging-client-test',
    logger: new RecordingLogger(),
    logLevel: 'warn',
  });
  const topics = [uniqueName('harbour.test.ensure.a'), uniqueName('harbour.test.ensure.b')];

  afterAll(() => deleteTopics(kafka, topics));

  it('creates each topic and its .dlq sibling once, with the partitions asked for', async () => {
    const created = await ensureTopics(kafka, topics, { partitions: 2 });
    expect(created.sort()).toEqual(topics.flatMap((t) => [t, dlqTopicOf(t)]).sort());
    await expect(ensureTopics(kafka, topics, { partitions: 2 })).resolves.toEqual([]);

    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: created });
      expect(metadata.map((t) => [t.name, t.partitions.length]).sort()).toEqual(
        created.map((name) => [name, 2]).sort(),
      );
    } finally {
      await admin.disconnect();
    }
  });

  it('reports Kafka ready, and not ready (quickly) when no broker answers', async () => {
    await expect(kafkaReadiness(kafka).check()).resolves.toBeUndefined();
    const nowhere = createKafka({
      brokers: ['127.0.0.1:1'],
      clientId: 'nowhere',
      logger: new RecordingLogger(),
    });
    const started = Date.now();
    await expect(kafkaReadiness(nowhere, 1_000).check()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
