import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
// Tests may use the shared test infrastructure (the boundary rule is meant for production code).
import {
  createTestSchema,
  expectEventually,
  type TestSchema,
  testKafkaBrokers,
  uniqueName,
} from '@harbour/testing';
import type { Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import {
  collectTopics,
  committedToEnd,
  connectProducer,
  deleteTopics,
  openDataSource,
  type TopicCollector,
} from '../test/harness';
import { RecordingLogger } from '../test/recording-logger';
import { installTestTracing, type TestTracing } from '../test/test-tracing';
import { toKafkaMessage } from './cloudevents-codec';
import { readDlq, replayDlq } from './dead-letter-queue';
import { EventConsumer } from './event-consumer';
import type { EventValidator } from './event-validator';
import { createEvent, type HarbourEvent } from './harbour-event';
import { createKafka, dlqTopicOf, ensureTopics, type KafkaClient } from './kafka-client';
import { captureTraceHeaders } from './trace-context';

jest.setTimeout(60_000);

const validator: EventValidator = (type, data) =>
  !type.startsWith('test.') || typeof (data as { name?: unknown } | null)?.name === 'string'
    ? { ok: true }
    : { ok: false, issues: [{ pointer: '/name', message: 'must be string' }] };

describe('idempotent event consumer with retries and dead letters (real Postgres and Kafka)', () => {
  const topic = uniqueName('harbour.test.consumer');
  const dlq = dlqTopicOf(topic);
  const groupId = uniqueName('messaging-consumer-test');
  const handBackTopic = uniqueName('harbour.test.handback');
  const laneTopic = uniqueName('harbour.test.lanes');
  const logger = new RecordingLogger();
  let testSchema: TestSchema;
  let schema: string;
  let dataSource: DataSource;
  let kafka: KafkaClient;
  let producer: Producer;
  let consumer: EventConsumer;
  let mainTopic: TopicCollector;
  let deadLetters: TopicCollector;
  let tracing: TestTracing;

  // Handler behaviour the tests steer.
  const calls = new Map<string, number>();
  const flakyFailures = 2;
  let brokenIsFixed = false;
  const handlerTraceIds = new Map<string, string | undefined>();
  const committed: string[] = [];
  let slowStarted = false;
  let releaseSlow: () => void = () => undefined;
  const slowGate = new Promise<void>((resolve) => {
    releaseSlow = resolve;
  });

  const count = (event: HarbourEvent): number => {
    const n = (calls.get(event.id) ?? 0) + 1;
    calls.set(event.id, n);
    return n;
  };
  const recordEffect = async (event: HarbourEvent, manager: EntityManager): Promise<void> => {
    handlerTraceIds.set(event.id, trace.getActiveSpan()?.spanContext().traceId);
    await manager.query(`INSERT INTO "${schema}".effects (event_id, type) VALUES ($1, $2)`, [
      event.id,
      event.type,
    ]);
  };
  const effects = async (id: string): Promise<number> => {
    const rows = await dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${schema}".effects WHERE event_id = $1`,
      [id],
    );
    return rows[0]?.n ?? 0;
  };

  const event = (type: string, data: unknown): HarbourEvent =>
    createEvent({ type, source: '/harbour/test', data });
  const send = async (
    e: HarbourEvent,
    key: string,
    headers: Record<string, string> = {},
  ): Promise<void> => {
    await producer.send({ topic, acks: -1, messages: [toKafkaMessage(e, key, headers)] });
  };
  const allConsumed = () =>
    expectEventually(() => committedToEnd(kafka, groupId, topic), {
      timeoutMs: 20_000,
      description: 'the consumer to commit everything sent so far',
    });
  const deadLettered = (id: string) =>
    expectEventually(
      () => {
        const [m] = deadLetters.withEventId(id);
        if (!m) throw new Error('not dead-lettered yet');
        return m;
      },
      { timeoutMs: 20_000, description: `event ${id} on ${dlq}` },
    );

  beforeAll(async () => {
    tracing = installTestTracing();
    testSchema = await createTestSchema('messaging_consumer');
    schema = testSchema.schema;
    dataSource = await openDataSource(testSchema.databaseUrl, schema);
    await dataSource.query(
      `CREATE TABLE "${schema}".effects (event_id text NOT NULL, type text NOT NULL)`,
    );
    kafka = createKafka({
      brokers: testKafkaBrokers(),
      clientId: 'messaging-consumer-test',
      logger,
      logLevel: 'warn',
    });
    await ensureTopics(kafka, [topic, handBackTopic], { partitions: 2 });
    // One partition: every key of the lane tests shares it.
    await ensureTopics(kafka, [laneTopic], { partitions: 1 });
    producer = await connectProducer(kafka);
    [mainTopic, deadLetters] = await Promise.all([
      collectTopics(kafka, [topic]),
      collectTopics(kafka, [dlq]),
    ]);
    consumer = new EventConsumer({
      kafka,
      groupId,
      topics: [topic],
      dataSource,
      schema,
      validator,
      logger,
      fromBeginning: true,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 500,
      retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 100 },
      afterCommit: (e) => committed.push(e.id),
      handlers: {
        'test.recorded': async (e, manager) => {
          count(e);
          await recordEffect(e, manager);
        },
        'test.flaky': async (e, manager) => {
          // Writes before failing, to prove a failed attempt leaves nothing behind.
          await recordEffect(e, manager);
          if (count(e) <= flakyFailures) throw new Error('transient failure');
        },
        'test.broken': async (e, manager) => {
          count(e);
          if (!brokenIsFixed) throw new Error('downstream unavailable');
          await recordEffect(e, manager);
        },
        'test.slow': async (e, manager) => {
          slowStarted = true;
          await slowGate;
          await recordEffect(e, manager);
        },
      },
    });
    await consumer.start();
  });

  afterAll(async () => {
    releaseSlow();
    await consumer.stop();
    await Promise.all([mainTopic.stop(), deadLetters.stop(), producer.disconnect()]);
    await deleteTopics(kafka, [topic, handBackTopic, laneTopic]);
    await dataSource.destroy();
    await testSchema.drop();
    await tracing.uninstall();
  });

  it('applies an event delivered twice exactly once', async () => {
    const e = event('test.recorded', { name: 'twice' });
    await send(e, 'case-1');
    await send(e, 'case-1');
    await allConsumed();
    expect(mainTopic.withEventId(e.id)).toHaveLength(2);
    expect(calls.get(e.id)).toBe(1);
    expect(await effects(e.id)).toBe(1);
    expect(committed.filter((id) => id === e.id)).toHaveLength(1);
    expect(
      await dataSource.query(
        `SELECT consumer, source, event_type, topic FROM "${schema}".inbox WHERE event_id = $1`,
        [e.id],
      ),
    ).toEqual([{ consumer: groupId, source: '/harbour/test', event_type: 'test.recorded', topic }]);
  });

  it('runs the handler in a span continuing the trace from the traceparent header', async () => {
    const producerSpan = {
      traceId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
      spanId: '1122334455667788',
      traceFlags: TraceFlags.SAMPLED,
    };
    const e = event('test.recorded', { name: 'traced' });
    await send(
      e,
      'case-trace',
      captureTraceHeaders(trace.setSpanContext(ROOT_CONTEXT, producerSpan)),
    );
    await expectEventually(async () => {
      expect(await effects(e.id)).toBe(1);
    });
    expect(handlerTraceIds.get(e.id)).toBe(producerSpan.traceId);
    const span = tracing.exporter
      .getFinishedSpans()
      .find((s) => s.name === `process ${topic}` && s.attributes['messaging.message.id'] === e.id);
    expect(span?.spanContext().traceId).toBe(producerSpan.traceId);
    expect(span?.parentSpanContext?.spanId).toBe(producerSpan.spanId);
  });

  it('skips an event type it has no handler for, and commits past it', async () => {
    const e = event('harbour.someone-elses.event', { anything: true });
    await send(e, 'case-2');
    await allConsumed();
    expect(await effects(e.id)).toBe(0);
    expect(deadLetters.withEventId(e.id)).toEqual([]);
  });

  it('dead-letters a poison message and keeps processing the same partition', async () => {
    const poison = event('test.recorded', { name: 42 });
    const next = event('test.recorded', { name: 'after the poison' });
    await send(poison, 'case-3');
    await producer.send({
      topic,
      messages: [{ key: 'case-3', value: 'not even json', headers: { ce_id: 'x' } }],
    });
    await send(next, 'case-3');

    await expectEventually(
      async () => {
        expect(await effects(next.id)).toBe(1);
      },
      {
        description: 'the next message',
      },
    );
    expect(await effects(poison.id)).toBe(0);
    const dead = await deadLettered(poison.id);
    const original = mainTopic.withEventId(poison.id)[0]!;
    expect(dead.key).toBe('case-3');
    expect(dead.value).toBe(original.value);
    expect(dead.headers).toMatchObject({
      ...original.headers,
      'harbour-dlq-reason': 'invalid-payload',
      'harbour-dlq-error': '/name: must be string',
      'harbour-dlq-source-topic': topic,
      'harbour-dlq-source-partition': String(original.partition),
      'harbour-dlq-source-offset': original.offset,
      'harbour-dlq-consumer': groupId,
    });
    expect(Date.parse(dead.headers['harbour-dlq-failed-at'] ?? '')).not.toBeNaN();
    const envelope = await expectEventually(() => {
      const m = deadLetters.messages.find(
        (d) => d.headers['harbour-dlq-reason'] === 'invalid-envelope',
      );
      if (!m) throw new Error('not yet');
      return m;
    });
    expect(envelope.value).toBe('not even json');
    expect(envelope.headers['harbour-dlq-error']).toBe('missing header ce_source');
  });

  it('retries a failing handler with back-off and succeeds without dead-lettering', async () => {
    const e = event('test.flaky', { name: 'flaky' });
    await send(e, 'case-4');
    await expectEventually(async () => {
      expect(await effects(e.id)).toBe(1);
    });
    expect(calls.get(e.id)).toBe(flakyFailures + 1);
    await allConsumed();
    expect(deadLetters.withEventId(e.id)).toEqual([]);
  });

  it('dead-letters an event whose handler fails every attempt, then moves on', async () => {
    const broken = event('test.broken', { name: 'broken' });
    const next = event('test.recorded', { name: 'after the broken one' });
    await send(broken, 'case-5');
    await send(next, 'case-5');
    const dead = await deadLettered(broken.id);
    expect(calls.get(broken.id)).toBe(3);
    expect(dead.headers['harbour-dlq-reason']).toBe('handler-failed');
    expect(dead.headers['harbour-dlq-error']).toBe('Error: downstream unavailable');
    await expectEventually(async () => {
      expect(await effects(next.id)).toBe(1);
    });
    expect(await effects(broken.id)).toBe(0);
  });

  it('lists the dead letters and replays one that a fixed handler then processes', async () => {
    const broken = mainTopic.messages.find((m) => m.headers.ce_type === 'test.broken')!;
    const brokenId = broken.headers.ce_id!;
    await deadLettered(brokenId);

    const entries = await readDlq(kafka, dlq);
    expect(entries.map((e) => e.reason).sort()).toEqual([
      'handler-failed',
      'invalid-envelope',
      'invalid-payload',
    ]);
    const entry = entries.find((e) => e.eventId === brokenId)!;
    expect(entry).toMatchObject({
      key: 'case-5',
      eventType: 'test.broken',
      reason: 'handler-failed',
      error: 'Error: downstream unavailable',
      sourceTopic: topic,
      sourcePartition: broken.partition,
      sourceOffset: broken.offset,
      consumer: groupId,
    });
    expect(Date.parse(entry.failedAt ?? '')).not.toBeNaN();
    expect(await readDlq(kafka, dlq, { limit: 1 })).toHaveLength(1);

    brokenIsFixed = true;
    const replayed = await replayDlq(kafka, dlq, {
      offsets: [{ partition: entry.partition, offset: entry.offset }],
    });
    expect(replayed).toBe(1);

    await expectEventually(
      async () => {
        expect(await effects(brokenId)).toBe(1);
      },
      {
        description: 'the replayed event',
      },
    );
    const copies = mainTopic.withEventId(brokenId);
    expect(copies).toHaveLength(2);
    expect(copies[1]!.headers).toEqual(broken.headers);
    expect(copies[1]!.key).toBe('case-5');
    expect(copies[1]!.value).toBe(broken.value);
    expect(deadLetters.withEventId(brokenId)).toHaveLength(1);
  });

  it('stops gracefully: finishes the in-flight message, commits, and leaves the group', async () => {
    const slow = event('test.slow', { name: 'slow' });
    await send(slow, 'case-6');
    await expectEventually(
      () => {
        expect(slowStarted).toBe(true);
      },
      {
        description: 'the slow handler to start',
      },
    );

    let stopped = false;
    const stopping = consumer.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    releaseSlow();
    await stopping;

    expect(await effects(slow.id)).toBe(1);
    await committedToEnd(kafka, groupId, topic);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([groupId]);
      expect(groups[0]?.members).toEqual([]);
      expect(['Empty', 'Dead']).toContain(groups[0]?.state);
    } finally {
      await admin.disconnect();
    }
    const unexpectedErrors = logger
      .at('error')
      .filter((r) => r.msg !== 'handler failed; event dead-lettered');
    expect(unexpectedErrors).toEqual([]);
  });
  it('hands a message waiting for its retry back to the group on stop, for the next consumer to process', async () => {
    const handBackGroup = uniqueName('messaging-handback-test');
    const options = {
      kafka,
      groupId: handBackGroup,
      topics: [handBackTopic],
      dataSource,
      schema,
      validator,
      logger,
      fromBeginning: true,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 500,
    };
    let attempts = 0;
    const first = new EventConsumer({
      ...options,
      // The retry is a minute away: stop() must not wait for it.
      retry: { attempts: 5, initialDelayMs: 60_000, maxDelayMs: 60_000 },
      handlers: {
        'test.recorded': () => {
          attempts += 1;
          return Promise.reject(new Error('not yet'));
        },
      },
    });
    await first.start();
    const e = event('test.recorded', { name: 'handed back' });
    await producer.send({
      topic: handBackTopic,
      acks: -1,
      messages: [toKafkaMessage(e, 'case-7')],
    });
    await expectEventually(() => {
      expect(attempts).toBe(1);
    });

    const started = Date.now();
    await first.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(committedToEnd(kafka, handBackGroup, handBackTopic)).rejects.toThrow();

    const second = new EventConsumer({
      ...options,
      handlers: { 'test.recorded': (ev, manager) => recordEffect(ev, manager) },
    });
    await second.start();
    try {
      await expectEventually(async () => {
        expect(await effects(e.id)).toBe(1);
      });
      await expectEventually(() => committedToEnd(kafka, handBackGroup, handBackTopic));
    } finally {
      await second.stop();
    }
    expect(attempts).toBe(1);
    expect(deadLetters.withEventId(e.id)).toEqual([]);
  });

  describe('keys side by side on one partition', () => {
    const laneGroup = uniqueName('messaging-lanes-test');
    let lanes: EventConsumer;
    let releaseHeld: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      releaseHeld = resolve;
    });
    const started: string[] = [];
    let conflicts = 0;
    const order = async (): Promise<string[]> => {
      const rows = await dataSource.query<{ event_id: string }[]>(
        `SELECT event_id FROM "${schema}".lane_effects ORDER BY seq`,
      );
      return rows.map((r) => r.event_id);
    };

    beforeAll(async () => {
      await dataSource.query(
        `CREATE TABLE "${schema}".lane_effects (seq bigserial PRIMARY KEY, event_id text NOT NULL)`,
      );
      const write = async (e: HarbourEvent, manager: EntityManager): Promise<void> => {
        await manager.query(`INSERT INTO "${schema}".lane_effects (event_id) VALUES ($1)`, [e.id]);
      };
      lanes = new EventConsumer({
        kafka,
        groupId: laneGroup,
        topics: [laneTopic],
        dataSource,
        schema,
        validator,
        logger,
        fromBeginning: true,
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 500,
        concurrency: 4,
        retry: { attempts: 2, initialDelayMs: 20, maxDelayMs: 50 },
        handlers: {
          'test.held': async (e, manager) => {
            started.push(e.id);
            await held;
            await write(e, manager);
          },
          'test.recorded': async (e, manager) => {
            started.push(e.id);
            await write(e, manager);
          },
          // Postgres refuses the first four tries as a serialization failure, twice the attempts
          // a handler's own failure would get before its event is dead-lettered.
          'test.conflicting': async (e, manager) => {
            conflicts += 1;
            if (conflicts <= 4) {
              await manager.query(
                `DO $$ BEGIN RAISE EXCEPTION 'could not serialize' USING ERRCODE = '40001'; END $$`,
              );
            }
            await write(e, manager);
          },
        },
      });
      await lanes.start();
    });

    afterAll(async () => {
      releaseHeld();
      await lanes.stop();
    });

    it('handles another key while one key waits, keeps each key in order, and commits only past finished messages', async () => {
      const a1 = event('test.held', { name: 'a1' });
      const a2 = event('test.recorded', { name: 'a2' });
      const b1 = event('test.recorded', { name: 'b1' });
      await producer.send({
        topic: laneTopic,
        acks: -1,
        messages: [
          toKafkaMessage(a1, 'key-a'),
          toKafkaMessage(a2, 'key-a'),
          toKafkaMessage(b1, 'key-b'),
        ],
      });
      await expectEventually(async () => {
        expect(await order()).toEqual([b1.id]);
      });
      // a2 waits behind a1, whose handler is still running: nothing of key a is done or started.
      expect(started).toContain(a1.id);
      expect(started).not.toContain(a2.id);
      await expect(committedToEnd(kafka, laneGroup, laneTopic)).rejects.toThrow();

      releaseHeld();
      await expectEventually(async () => {
        expect(await order()).toEqual([b1.id, a1.id, a2.id]);
      });
      await expectEventually(() => committedToEnd(kafka, laneGroup, laneTopic));
    });

    it('retries a transaction Postgres refused as a conflict without counting it against the event', async () => {
      const e = event('test.conflicting', { name: 'conflicting' });
      await producer.send({ topic: laneTopic, acks: -1, messages: [toKafkaMessage(e, 'key-c')] });
      await expectEventually(async () => {
        expect(await order()).toContain(e.id);
      });
      expect(conflicts).toBe(5);
      await expectEventually(() => committedToEnd(kafka, laneGroup, laneTopic));
      expect(deadLetters.withEventId(e.id)).toEqual([]);
      expect(
        logger.at('warn').filter((r) => r.msg === 'transaction conflicted with another; retrying'),
      ).toHaveLength(4);
    });
  });
  describe('serializable transactions side by side', () => {
    const numberedTopic = uniqueName('harbour.test.numbered');
    const numberedGroup = uniqueName('messaging-numbered-test');
    let numbered: EventConsumer;
    let inFlight = 0;
    let mostInFlight = 0;

    beforeAll(async () => {
      await ensureTopics(kafka, [numberedTopic]);
      await dataSource.query(
        `CREATE TABLE "${schema}".numbered (n int NOT NULL, event_id text NOT NULL)`,
      );
      numbered = new EventConsumer({
        kafka,
        groupId: numberedGroup,
        topics: [numberedTopic],
        dataSource,
        schema,
        validator,
        logger,
        fromBeginning: true,
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 500,
        concurrency: 4,
        isolation: 'SERIALIZABLE',
        handlers: {
          // Reads what the others wrote and writes the next number: at read committed, two of
          // these side by side would both take the same one.
          'test.numbered': async (e, manager) => {
            inFlight += 1;
            mostInFlight = Math.max(mostInFlight, inFlight);
            try {
              const [row] = await manager.query<{ n: number }[]>(
                `SELECT coalesce(max(n), 0)::int AS n FROM "${schema}".numbered`,
              );
              await manager.query('SELECT pg_sleep(0.02)');
              await manager.query(
                `INSERT INTO "${schema}".numbered (n, event_id) VALUES ($1, $2)`,
                [(row?.n ?? 0) + 1, e.id],
              );
            } finally {
              inFlight -= 1;
            }
          },
        },
      });
      await numbered.start();
    });

    afterAll(async () => {
      await numbered.stop();
      await deleteTopics(kafka, [numberedTopic]);
    });

    it('runs handlers of different keys at once, each outcome that of some one-at-a-time order', async () => {
      const sent = Array.from({ length: 20 }, (_, i) => event('test.numbered', { name: `n${i}` }));
      await producer.send({
        topic: numberedTopic,
        acks: -1,
        messages: sent.map((e, i) => toKafkaMessage(e, `key-${i}`)),
      });
      await expectEventually(() => committedToEnd(kafka, numberedGroup, numberedTopic), {
        timeoutMs: 30_000,
        description: 'every numbered event to be handled',
      });
      const rows = await dataSource.query<{ n: number; event_id: string }[]>(
        `SELECT n, event_id FROM "${schema}".numbered ORDER BY n`,
      );
      expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(sent.map((e) => e.id)));
      expect(mostInFlight).toBeGreaterThan(1);
      expect(sent.flatMap((e) => deadLetters.withEventId(e.id))).toEqual([]);
    });
  });
});
