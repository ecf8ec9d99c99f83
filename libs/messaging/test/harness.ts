import { type IHeaders, type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { headerText } from '../src/cloudevents-codec';
import type { KafkaClient } from '../src/kafka-client';
import { createMessagingTables } from '../src/messaging-tables';

/** A TypeORM data source on the test database with the messaging tables in `schema`. */
export async function openDataSource(databaseUrl: string, schema: string): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities: [],
    poolSize: 10,
  });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await createMessagingTables(runner, schema);
  } finally {
    await runner.release();
  }
  return dataSource;
}

export interface Received {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) result[name] = text;
  }
  return result;
}

function toReceived(topic: string, partition: number, message: KafkaMessage): Received {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    headers: textHeaders(message.headers),
  };
}

/** Everything that arrives on `topics` (read from the beginning by a throwaway group). */
export interface TopicCollector {
  readonly messages: Received[];
  withEventId(id: string): Received[];
  stop(): Promise<void>;
}

export async function collectTopics(kafka: KafkaClient, topics: string[]): Promise<TopicCollector> {
  const messages: Received[] = [];
  const consumer = kafka.consumer({
    groupId: `test-collector-${randomUUID()}`,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ topic, partition, message }) => {
      messages.push(toReceived(topic, partition, message));
      return Promise.resolve();
    },
  });
  return {
    messages,
    withEventId: (id) => messages.filter((m) => m.headers.ce_id === id),
    stop: () => consumer.disconnect(),
  };
}

export async function connectProducer(kafka: KafkaClient): Promise<Producer> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

/** Resolves when `groupId` has committed every partition of `topic` up to its current end. */
export async function committedToEnd(
  kafka: KafkaClient,
  groupId: string,
  topic: string,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    for (const end of ends) {
      const done = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      const expected = end.high === end.low ? [end.high, '-1'] : [end.high];
      if (!expected.includes(done)) {
        throw new Error(`partition ${end.partition}: committed ${done}, end ${end.high}`);
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** Removes a test's topics (and their `.dlq` siblings); tolerant of ones never created. */
export async function deleteTopics(kafka: KafkaClient, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.flatMap((t) => [t, `${t}.dlq`]).filter((t) => existing.has(t));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
  } finally {
    await admin.disconnect();
  }
}
