import { SpanKind, trace } from '@opentelemetry/api';
// Tests may use the shared test infrastructure (the boundary rule is meant for production code).
import {
  createTestSchema,
  expectEventually,
  type TestSchema,
  testKafkaBrokers,
  uniqueName,
} from '@harbour/testing';
import type { DataSource } from 'typeorm';
import { collectTopics, deleteTopics, openDataSource, type TopicCollector } from '../test/harness';
import { RecordingLogger } from '../test/recording-logger';
import { installTestTracing, type TestTracing } from '../test/test-tracing';
import type { EventValidator } from './event-validator';
import type { HarbourEvent } from './harbour-event';
import { createKafka, ensureTopics, type KafkaClient } from './kafka-client';
import { createMessagingTables } from './messaging-tables';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { withOutbox } from './with-outbox';

jest.setTimeout(60_000);

const aDate: unknown = expect.any(Date);
const aString: unknown = expect.any(String);

const validator: EventValidator = (_type, data) =>
  typeof (data as { name?: unknown } | null)?.name === 'string'
    ? { ok: true }
    : { ok: false, issues: [{ pointer: '/name', message: 'must be string' }] };

interface OutboxState {
  published_at: Date | null;
  attempts: number;
  last_error: string | null;
}

describe('transactional outbox and relay (real Postgres and Kafka)', () => {
  const topic = uniqueName('harbour.test.outbox');
  const logger = new RecordingLogger();
  let testSchema: TestSchema;
  let schema: string;
  let dataSource: DataSource;
  let kafka: KafkaClient;
  let outbox: Outbox;
  let relay: OutboxRelay;
  let received: TopicCollector;
  let tracing: TestTracing;
  const relays: OutboxRelay[] = [];

  const startRelay = async (options: {
    pollIntervalMs: number;
    schema?: string;
  }): Promise<OutboxRelay> => {
    const r = new OutboxRelay({
      dataSource,
      schema: options.schema ?? schema,
      kafka,
      logger,
      ...options,
    });
    relays.push(r);
    await r.start();
    return r;
  };
  const outboxRow = async (id: string, inSchema = schema): Promise<OutboxState | undefined> => {
    const rows = await dataSource.query<OutboxState[]>(
      `SELECT published_at, attempts, last_error FROM "${inSchema}".outbox WHERE id = $1`,
      [id],
    );
    return rows[0];
  };
  const arrived = (event: HarbourEvent, description: string) =>
    expectEventually(
      () => {
        const [message] = received.withEventId(event.id);
        if (!message) throw new Error('not yet');
        return message;
      },
      { timeoutMs: 20_000, description },
    );

  beforeAll(async () => {
    tracing = installTestTracing();
    testSchema = await createTestSchema('messaging_outbox');
    schema = testSchema.schema;
    dataSource = await openDataSource(testSchema.databaseUrl, schema);
    await dataSource.query(
      `CREATE TABLE "${schema}".operations (id text PRIMARY KEY, status text NOT NULL)`,
    );
    kafka = createKafka({
      brokers: testKafkaBrokers(),
      clientId: 'messaging-outbox-test',
      logger,
      logLevel: 'warn',
    });
    await ensureTopics(kafka, [topic]);
    received = await collectTopics(kafka, [topic]);
    outbox = new Outbox({ schema, source: '/harbour/test', validator });
    // Only kicks publish during these tests: the sweep is a minute away.
    relay = await startRelay({ pollIntervalMs: 60_000 });
    await relay.kick();
  });

  afterAll(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    await received.stop();
    await deleteTopics(kafka, [topic]);
    await dataSource.destroy();
    await testSchema.drop();
    await tracing.uninstall();
  });

  it('commits the state change and the outbox row together, and publishes on kick with key, ce headers and a producer span continuing the trace', async () => {
    const tracer = trace.getTracer('test');
    const { event, traceparent } = await tracer.startActiveSpan(
      'POST /operations',
      async (span) => {
        const added = await withOutbox(dataSource, relay, async (manager) => {
          await manager.query(
            `INSERT INTO "${schema}".operations (id, status) VALUES ($1, 'planned')`,
            ['op-1'],
          );
          return outbox.add(manager, {
            topic,
            key: 'op-1',
            type: 'harbour.test.planned',
            subject: 'operation/op-1',
            data: { name: 'Operation One' },
          });
        });
        span.end();
        const { traceId, spanId } = span.spanContext();
        return { event: added, traceparent: `00-${traceId}-${spanId}-01` };
      },
    );

    expect(
      await dataSource.query(`SELECT status FROM "${schema}".operations WHERE id = 'op-1'`),
    ).toEqual([{ status: 'planned' }]);
    const message = await arrived(event, 'the kicked event on Kafka');
    expect(message.key).toBe('op-1');
    expect(JSON.parse(message.value ?? '')).toEqual({ name: 'Operation One' });
    expect(message.headers).toEqual({
      ce_id: event.id,
      ce_source: '/harbour/test',
      ce_type: 'harbour.test.planned',
      ce_specversion: '1.0',
      ce_time: event.time,
      ce_subject: 'operation/op-1',
      'content-type': 'application/json',
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) as unknown,
    });
    // The message carries the relay's `send` span, a child of the request that wrote the row.
    const [, traceId, parentSpanId] = traceparent.split('-');
    const [, sentTraceId, sentSpanId] = (message.headers.traceparent ?? '').split('-');
    expect(sentTraceId).toBe(traceId);
    const send = tracing.exporter
      .getFinishedSpans()
      .find((s) => s.name === `send ${topic}` && s.attributes['messaging.message.id'] === event.id);
    expect(send?.kind).toBe(SpanKind.PRODUCER);
    expect(send?.spanContext().spanId).toBe(sentSpanId);
    expect(send?.parentSpanContext?.spanId).toBe(parentSpanId);
    await expectEventually(async () => {
      expect(await outboxRow(event.id)).toMatchObject({
        published_at: aDate,
        attempts: 1,
        last_error: null,
      });
    });
  });

  it('publishes rows of many requests in one acknowledged batch, each message in its own trace', async () => {
    const tracer = trace.getTracer('test');
    // Committed without kicks, as if many requests had written while the relay was busy.
    const written = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        tracer.startActiveSpan(`POST /operations ${i}`, async (span) => {
          const event = await dataSource.transaction((manager) =>
            outbox.add(manager, {
              topic,
              key: `op-batch-${i}`,
              type: 'harbour.test.planned',
              data: { name: `batch ${i}` },
            }),
          );
          span.end();
          return { event, traceId: span.spanContext().traceId };
        }),
      ),
    );
    await relay.kick();
    for (const { event, traceId } of written) {
      const message = await arrived(event, `batched event ${event.id}`);
      expect(message.headers.traceparent?.split('-')[1]).toBe(traceId);
    }
    // One batch: one UPDATE marked them all, after the acknowledgement.
    const marked = await dataSource.query<{ published_at: Date }[]>(
      `SELECT DISTINCT published_at FROM "${schema}".outbox WHERE id = ANY($1::uuid[])`,
      [written.map((w) => w.event.id)],
    );
    expect(marked).toHaveLength(1);
    expect(new Set(written.map((w) => w.traceId)).size).toBe(written.length);
  });

  it('holds no transaction open while Kafka acknowledges a batch', async () => {
    // The same broker, with each batch held at a gate before it is sent.
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let waiting = 0;
    const gated = Object.create(kafka) as KafkaClient;
    gated.producer = (config) => {
      const producer = kafka.producer(config);
      const sendBatch = producer.sendBatch.bind(producer);
      producer.sendBatch = async (batch) => {
        waiting += 1;
        await gate;
        return sendBatch(batch);
      };
      return producer;
    };
    const other = await createTestSchema('messaging_outbox_gated');
    try {
      const runner = dataSource.createQueryRunner();
      await createMessagingTables(runner, other.schema);
      await runner.release();
      const gatedOutbox = new Outbox({ schema: other.schema, source: '/harbour/test', validator });
      const event = await dataSource.transaction((manager) =>
        gatedOutbox.add(manager, {
          topic,
          key: 'op-gated',
          type: 'harbour.test.planned',
          data: { name: 'gated' },
        }),
      );
      const gatedRelay = new OutboxRelay({
        dataSource,
        schema: other.schema,
        kafka: gated,
        logger,
        pollIntervalMs: 60_000,
      });
      relays.push(gatedRelay);
      await gatedRelay.start();
      await expectEventually(() => {
        if (waiting === 0) throw new Error('no batch at the gate yet');
      });
      // The rows were read; Kafka has not answered: no session of the relay is in a transaction.
      const inTransaction = await dataSource.query<{ state: string }[]>(
        `SELECT state FROM pg_stat_activity
          WHERE state LIKE 'idle in transaction%' AND position($1 in query) > 0`,
        [other.schema],
      );
      expect(inTransaction).toEqual([]);
      expect(await outboxRow(event.id, other.schema)).toMatchObject({ published_at: null });
      open();
      await arrived(event, 'the gated event');
      await expectEventually(async () => {
        expect(await outboxRow(event.id, other.schema)).toMatchObject({ published_at: aDate });
      });
      await gatedRelay.stop();
    } finally {
      open();
      await other.drop();
    }
  });

  it('publishes nothing from a rolled-back transaction', async () => {
    let rolledBack: HarbourEvent | undefined;
    await expect(
      withOutbox(dataSource, relay, async (manager) => {
        await manager.query(
          `INSERT INTO "${schema}".operations (id, status) VALUES ('op-2', 'planned')`,
        );
        rolledBack = await outbox.add(manager, {
          topic,
          key: 'op-2',
          type: 'harbour.test.planned',
          data: { name: 'x' },
        });
        throw new Error('business rule failed after the outbox write');
      }),
    ).rejects.toThrow('business rule failed');
    expect(rolledBack).toBeDefined();
    expect(
      await dataSource.query(`SELECT id FROM "${schema}".operations WHERE id = 'op-2'`),
    ).toEqual([]);
    expect(await outboxRow(rolledBack?.id ?? '')).toBeUndefined();

    // A later event on the same key (same partition) is published after anything before it.
    const later = await withOutbox(dataSource, relay, (manager) =>
      outbox.add(manager, {
        topic,
        key: 'op-2',
        type: 'harbour.test.cancelled',
        data: { name: 'y' },
      }),
    );
    await arrived(later, 'the later committed event');
    expect(received.withEventId(rolledBack?.id ?? '')).toEqual([]);
  });

  it('refuses an invalid payload, so neither the state change nor the event is committed', async () => {
    await expect(
      withOutbox(dataSource, relay, async (manager) => {
        await manager.query(
          `INSERT INTO "${schema}".operations (id, status) VALUES ('op-3', 'planned')`,
        );
        return outbox.add(manager, {
          topic,
          key: 'op-3',
          type: 'harbour.test.planned',
          data: { name: 7 },
        });
      }),
    ).rejects.toMatchObject({
      name: 'EventValidationError',
      issues: [{ pointer: '/name', message: 'must be string' }],
    });
    expect(
      await dataSource.query(`SELECT id FROM "${schema}".operations WHERE id = 'op-3'`),
    ).toEqual([]);
  });

  it('keeps one key’s events in commit order across many coalesced kicks', async () => {
    const events: HarbourEvent[] = [];
    const writes = Array.from({ length: 25 }, (_, i) => i);
    for (const i of writes) {
      // Not awaiting the kicks: they pile up while a drain is in flight and must coalesce.
      events.push(
        await withOutbox(dataSource, relay, (manager) =>
          outbox.add(manager, {
            topic,
            key: 'op-ordered',
            type: 'harbour.test.updated',
            data: { name: `v${i}` },
          }),
        ),
      );
    }
    const last = events[events.length - 1]!;
    await arrived(last, 'the last of 25 events');
    const ids = new Set(events.map((e) => e.id));
    const arrivedOrder = received.messages
      .filter((m) => ids.has(m.headers.ce_id ?? ''))
      .map((m) => m.headers.ce_id);
    expect(arrivedOrder).toEqual(events.map((e) => e.id));
  });

  it('publishes a row a crash left unpublished: on the next start, and by the sweep', async () => {
    await relay.stop();
    // Committed without a kick and without any relay running, as if the process died after commit.
    const orphan = await dataSource.transaction((manager) =>
      outbox.add(manager, {
        topic,
        key: 'op-4',
        type: 'harbour.test.planned',
        data: { name: 'orphan' },
      }),
    );
    expect(await outboxRow(orphan.id)).toMatchObject({ published_at: null, attempts: 0 });

    const restarted = await startRelay({ pollIntervalMs: 200 });
    await arrived(orphan, 'the orphaned event after restart');

    // Committed without a kick while the relay runs: only the polling sweep can publish it.
    const unkicked = await dataSource.transaction((manager) =>
      outbox.add(manager, {
        topic,
        key: 'op-5',
        type: 'harbour.test.planned',
        data: { name: 'unkicked' },
      }),
    );
    await arrived(unkicked, 'the unkicked event via the sweep');
    await expectEventually(async () => {
      expect(await outboxRow(unkicked.id)).toMatchObject({ published_at: aDate });
    });
    await restarted.stop();
  });

  it('keeps a batch Kafka refuses, records the failure, and publishes it once it can', async () => {
    // A schema of its own: a stuck row holds back every later row of its outbox, by design.
    const other = await createTestSchema('messaging_outbox_stuck');
    try {
      const runner = dataSource.createQueryRunner();
      await createMessagingTables(runner, other.schema);
      await runner.release();
      const stuckOutbox = new Outbox({ schema: other.schema, source: '/harbour/test', validator });
      const stuck = await dataSource.transaction((manager) =>
        stuckOutbox.add(manager, {
          topic: 'not a valid topic!',
          key: 'op-6',
          type: 'harbour.test.planned',
          data: { name: 'stuck' },
        }),
      );
      const stuckRelay = await startRelay({ pollIntervalMs: 100, schema: other.schema });
      const failed = await expectEventually(
        async () => {
          const row = await outboxRow(stuck.id, other.schema);
          if (!row || row.attempts < 2) throw new Error(`attempts ${row?.attempts ?? 'none'}`);
          return row;
        },
        { timeoutMs: 20_000, description: 'two failed attempts recorded' },
      );
      expect(failed.published_at).toBeNull();
      expect(failed.last_error).toEqual(aString);
      expect(logger.at('error').some((r) => r.msg?.includes('could not publish a batch'))).toBe(
        true,
      );

      // An operator repairs the row; the next sweep publishes it.
      await dataSource.query(`UPDATE "${other.schema}".outbox SET topic = $1 WHERE id = $2`, [
        topic,
        stuck.id,
      ]);
      await arrived(stuck, 'the repaired event');
      await expectEventually(async () => {
        expect(await outboxRow(stuck.id, other.schema)).toMatchObject({
          published_at: aDate,
          last_error: null,
        });
      });
      await stuckRelay.stop();
    } finally {
      await other.drop();
    }
  });
});
