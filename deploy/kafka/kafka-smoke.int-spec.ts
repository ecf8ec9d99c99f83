import { randomUUID } from 'node:crypto';
import {
  type Admin,
  type Consumer,
  type IHeaders,
  Kafka,
  type KafkaMessage,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs';

/**
 * Proves that the local broker speaks every Kafka API the services rely on through kafkajs 2.2.4:
 * topic admin, keyed produce with headers, consumer groups with manual commits, group
 * description, committed-offset fetch and transactions (read_committed hides aborted records).
 */

/** Budget for one wait inside a test; a test holds several, so its own timeout is larger. */
const TIMEOUT_MS = 40_000;
const TEST_TIMEOUT_MS = 150_000;

function brokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
}

/** Retries the probe until it returns without throwing; rethrows the last failure on timeout. */
async function waitUntil<T>(
  probe: () => T | Promise<T>,
  description: string,
  timeoutMs = TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${description}: ${String(error)}\n` +
            `kafkajs said:\n${clientLog.slice(-40).join('\n') || '(nothing)'}`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Awaits one step of a test within the wait budget, naming it (and what kafkajs said) if not. */
async function step<T>(description: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new Error(
          `timed out after ${TIMEOUT_MS} ms waiting for ${description}\n` +
            `kafkajs said:\n${clientLog.slice(-40).join('\n') || '(nothing)'}`,
        ),
      );
    }, TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Records a consumer's group membership events next to the client's warnings. */
function watch(consumer: Consumer, name: string): Consumer {
  const { GROUP_JOIN, REBALANCING, CRASH, STOP } = consumer.events;
  for (const event of [GROUP_JOIN, REBALANCING, CRASH, STOP]) {
    consumer.on(event, (e: { type: string; payload?: unknown }) => {
      clientLog.push(`${name} ${e.type} ${JSON.stringify(e.payload ?? {})}`);
    });
  }
  return consumer;
}

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value[0] : value)?.toString();
}

interface Received {
  partition: number;
  offset: number;
  key: string;
  value: string;
  caseId: string | undefined;
  eventType: string | undefined;
}

function received(partition: number, message: KafkaMessage): Received {
  return {
    partition,
    offset: Number(message.offset),
    key: message.key?.toString() ?? '',
    value: message.value?.toString() ?? '',
    caseId: headerText(message.headers, 'case-id'),
    eventType: headerText(message.headers, 'event-type'),
  };
}

/** The client's warnings and the consumers' group events, for a timed-out wait's message. */
const clientLog: string[] = [];

describe('local Kafka broker (kafkajs smoke test)', () => {
  const suffix = randomUUID().slice(0, 8);
  const topic = `harbour-kafka-smoke-${suffix}`;
  const txTopic = `harbour-kafka-smoke-tx-${suffix}`;
  const kafka = new Kafka({
    clientId: `kafka-smoke-${suffix}`,
    brokers: brokers(),
    // Retriable errors (e.g. CONCURRENT_TRANSACTIONS right after an abort) are logged as errors
    // by kafkajs; they are kept, not printed, and shown only if a wait times out.
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      clientLog.push(`${entry.label} ${entry.log.message}`);
    },
    connectionTimeout: 10_000,
  });
  const admin: Admin = kafka.admin();
  const producers: Producer[] = [];
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    await admin.connect();
    const created = await step(
      'the smoke topics to be created',
      admin.createTopics({
        // kafkajs's own wait gives up while a loaded broker is still creating partitions.
        waitForLeaders: false,
        timeout: TIMEOUT_MS,
        topics: [
          { topic, numPartitions: 3, replicationFactor: 1 },
          { topic: txTopic, numPartitions: 1, replicationFactor: 1 },
        ],
      }),
    );
    expect(created).toBe(true);
    await waitUntil(async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic, txTopic] });
      for (const t of metadata.topics) {
        expect(t.partitions.length).toBeGreaterThan(0);
        for (const p of t.partitions) expect(p.leader).toBeGreaterThanOrEqual(0);
      }
    }, 'a leader for every partition of the smoke topics');
  }, TIMEOUT_MS);

  afterAll(async () => {
    await Promise.allSettled(consumers.map((c) => c.disconnect()));
    await Promise.allSettled(producers.map((p) => p.disconnect()));
    await admin.deleteTopics({ topics: [topic, txTopic], timeout: TIMEOUT_MS });
    await waitUntil(async () => {
      const left = (await admin.listTopics()).filter((t) => t === topic || t === txTopic);
      expect(left).toEqual([]);
    }, 'the smoke topics to be deleted');
    await admin.disconnect();
  }, TEST_TIMEOUT_MS);

  it(
    'creates the topic with a leader for every partition',
    async () => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = topics[0]?.partitions ?? [];
      expect(partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
      for (const p of partitions) expect(p.leader).toBeGreaterThanOrEqual(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'delivers keyed messages with headers to a consumer group and keeps its explicit commits',
    async () => {
      // Idempotent, like the services' outbox relay: a busy broker can time out a produce request
      // it has already written, and a plain producer's retry then appends the message again
      // (seen in CI: nine records for six sends). The broker de-duplicates an idempotent
      // producer's retries, so exactly the six messages sent must arrive.
      const producer = kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        idempotent: true,
        maxInFlightRequests: 1,
      });
      producers.push(producer);
      await step('the producer to connect', producer.connect());
      const keys = [
        'referral-1',
        'referral-2',
        'referral-3',
        'referral-4',
        'referral-5',
        'referral-6',
      ];
      await step(
        'the keyed messages to be acknowledged by the broker',
        producer.send({
          topic,
          acks: -1,
          messages: keys.map((key, i) => ({
            key,
            value: JSON.stringify({ n: i }),
            headers: { 'case-id': `case-${i}`, 'event-type': 'harbour.smoke.v1' },
          })),
        }),
      );

      const groupId = `${topic}-group`;
      const consumer = watch(
        kafka.consumer({
          groupId,
          sessionTimeout: 10_000,
          heartbeatInterval: 1_000,
          maxWaitTimeInMs: 500,
        }),
        'group consumer',
      );
      consumers.push(consumer);
      await step('the consumer to connect', consumer.connect());
      await step(
        'the consumer to subscribe',
        consumer.subscribe({ topics: [topic], fromBeginning: true }),
      );
      const seen: Received[] = [];
      await consumer.run({
        autoCommit: false,
        eachMessage: ({ partition, message }) => {
          seen.push(received(partition, message));
          return Promise.resolve();
        },
      });

      await waitUntil(() => {
        expect(seen).toHaveLength(keys.length);
      }, 'all produced messages to be consumed');
      expect(seen.map((m) => m.key).sort()).toEqual(keys);
      for (const m of seen) {
        const i = keys.indexOf(m.key);
        expect(m.caseId).toBe(`case-${i}`);
        expect(m.eventType).toBe('harbour.smoke.v1');
        expect(JSON.parse(m.value)).toEqual({ n: i });
      }
      // The same key always lands on the same partition, and a fresh topic numbers each
      // partition from 0, so the next offset to read equals the partition's message count.
      const nextOffset = new Map<number, number>();
      for (const m of seen)
        nextOffset.set(m.partition, Math.max(nextOffset.get(m.partition) ?? 0, m.offset + 1));
      const counts = new Map<number, number>();
      for (const m of seen) counts.set(m.partition, (counts.get(m.partition) ?? 0) + 1);
      expect(nextOffset).toEqual(counts);

      await step(
        'the offsets to be committed',
        consumer.commitOffsets(
          [...nextOffset].map(([partition, offset]) => ({
            topic,
            partition,
            offset: String(offset),
          })),
        ),
      );

      const { groups } = await admin.describeGroups([groupId]);
      expect(groups).toHaveLength(1);
      expect(groups[0]).toMatchObject({ groupId, protocolType: 'consumer', state: 'Stable' });
      expect(groups[0]?.members).toHaveLength(1);

      await step('the consumer to leave the group', consumer.disconnect());
      await waitUntil(async () => {
        const after = await admin.describeGroups([groupId]);
        expect(after.groups[0]?.state).toBe('Empty');
      }, 'the group to be empty once its only member left');

      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const committedByPartition = new Map(
        (committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)] as const),
      );
      // Partitions that received nothing have no commit (-1).
      const expected = new Map([0, 1, 2].map((p) => [p, nextOffset.get(p) ?? -1] as const));
      expect(committedByPartition).toEqual(expected);
      expect(
        [...committedByPartition.values()].filter((o) => o > 0).reduce((a, b) => a + b, 0),
      ).toBe(keys.length);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'commits transactions atomically and hides aborted ones from read_committed consumers',
    async () => {
      const producer = kafka.producer({
        transactionalId: `${txTopic}-producer`,
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      producers.push(producer);
      await step('the producer to connect', producer.connect());

      const aborted = await step('a transaction to begin', producer.transaction());
      await step(
        'the aborted record to be written',
        aborted.send({ topic: txTopic, messages: [{ key: 'bed-request-0', value: 'aborted' }] }),
      );
      await step('the transaction to abort', aborted.abort());

      const committed = await step('a second transaction to begin', producer.transaction());
      await committed.send({
        topic: txTopic,
        messages: [
          { key: 'bed-request-1', value: 'offer-made', headers: { 'case-id': 'case-tx-1' } },
          { key: 'bed-request-2', value: 'offer-accepted', headers: { 'case-id': 'case-tx-2' } },
        ],
      });
      await step('the transaction to commit', committed.commit());

      const consumer = watch(
        kafka.consumer({
          groupId: `${txTopic}-reader`,
          readUncommitted: false,
          maxWaitTimeInMs: 500,
        }),
        'read_committed consumer',
      );
      consumers.push(consumer);
      await step('the consumer to connect', consumer.connect());
      await step(
        'the consumer to subscribe',
        consumer.subscribe({ topics: [txTopic], fromBeginning: true }),
      );
      const seen: Received[] = [];
      await consumer.run({
        eachMessage: ({ partition, message }) => {
          seen.push(received(partition, message));
          return Promise.resolve();
        },
      });

      // One partition, read in order: once both committed records arrived, the aborted record
      // (written before them) has been passed over, so its absence is proven, not hoped for.
      await waitUntil(() => {
        expect(seen).toHaveLength(2);
      }, 'the committed transaction to be consumed');
      expect(seen.map((m) => [m.key, m.value, m.caseId])).toEqual([
        ['bed-request-1', 'offer-made', 'case-tx-1'],
        ['bed-request-2', 'offer-accepted', 'case-tx-2'],
      ]);
      // The aborted record and its abort marker still occupy offsets 0 and 1.
      expect(seen.map((m) => m.offset)).toEqual([2, 3]);
    },
    TEST_TIMEOUT_MS,
  );
});
