import {
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { Partitioners, type Producer } from 'kafkajs';
import type { DataSource, QueryRunner } from 'typeorm';
import { type OutgoingKafkaMessage, toKafkaMessage } from './cloudevents-codec';
import { createEvent, type HarbourEvent } from './harbour-event';
import type { KafkaClient } from './kafka-client';
import { describeError, type Logger } from './logger';
import { outboxTable } from './sql-identifiers';
import { captureTraceHeaders, extractTraceContext } from './trace-context';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  schema: string;
  kafka: KafkaClient;
  logger: Logger;
  /** Safety-net sweep for rows no kick published (crash between commit and kick). Default 500. */
  pollIntervalMs?: number;
  /** Rows claimed and sent per batch. Default 200. */
  batchSize?: number;
  /** Ceiling of the sweep's back-off while Kafka refuses batches. Default 30 000. */
  maxBackoffMs?: number;
  /** How long `stop()` waits for the in-flight batch before disconnecting anyway. Default 30 000. */
  stopTimeoutMs?: number;
}

interface OutboxRow {
  seq: string;
  id: string;
  topic: string;
  key: string;
  type: string;
  source: string;
  subject: string | null;
  time: Date;
  data: unknown;
  headers: Record<string, string> | null;
}

type BatchOutcome = 'empty' | 'partial' | 'full' | 'failed';

/**
 * Publishes outbox rows to Kafka in commit order: right after a commit (`kick`) and on a
 * polling sweep that catches whatever a crash left behind. A row is marked published only
 * after Kafka acknowledged it on all in-sync replicas; a failed batch stays unpublished and is
 * retried whole, so nothing is lost (a retry may duplicate, which the consumers' inbox absorbs).
 */
export class OutboxRelay {
  private readonly table: string;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxBackoffMs: number;
  private readonly stopTimeoutMs: number;
  private readonly lockKey: string;
  private producer: Producer | undefined;
  private running = false;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private consecutiveFailures = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.table = outboxTable(options.schema);
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.batchSize = options.batchSize ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
    this.lockKey = `harbour.outbox-relay:${options.schema}`;
  }

  /**
   * Starts publishing. Does not wait for Kafka: while it is unreachable the service keeps
   * committing outbox rows, and the sweep connects and catches up once Kafka answers.
   */
  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    this.consecutiveFailures = 0;
    // Publish whatever an earlier process committed but never sent, then keep sweeping.
    void this.kick();
    this.scheduleSweep(this.pollIntervalMs);
    return Promise.resolve();
  }

  /**
   * Publishes pending rows now. Call right after a commit; concurrent kicks coalesce into one
   * drain (single flight). The promise settles when the rows committed before the call have been
   * attempted; it never rejects (failures are logged and left to the sweep).
   */
  kick(): Promise<void> {
    if (!this.running) return this.inFlight ?? Promise.resolve();
    this.again = true;
    this.inFlight ??= this.drain();
    return this.inFlight;
  }

  /** Stops sweeping, lets the in-flight batch finish, then disconnects. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight) {
      let timeout: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<'timeout'>((resolve) => {
        timeout = setTimeout(() => {
          resolve('timeout');
        }, this.stopTimeoutMs);
      });
      const outcome = await Promise.race([this.inFlight, gaveUp]);
      clearTimeout(timeout);
      if (outcome === 'timeout') {
        this.options.logger.warn(
          { schema: this.options.schema, stopTimeoutMs: this.stopTimeoutMs },
          'outbox relay stopped with a batch in flight; its rows stay unpublished for the next start',
        );
      }
    }
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }

  // A method, not the field, so loops re-read it after each await.
  private isRunning(): boolean {
    return this.running;
  }

  private scheduleSweep(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.kick().then(() => {
        this.scheduleSweep(this.sweepDelay());
      });
    }, delayMs);
    // The sweep alone should not keep a process alive.
    this.timer.unref();
  }

  private sweepDelay(): number {
    if (this.consecutiveFailures === 0) return this.pollIntervalMs;
    return Math.min(this.pollIntervalMs * 2 ** this.consecutiveFailures, this.maxBackoffMs);
  }

  private async drain(): Promise<void> {
    try {
      while (this.again && this.running) {
        this.again = false;
        let outcome: BatchOutcome;
        do {
          outcome = await this.publishBatch();
        } while (outcome === 'full' && this.isRunning());
        if (outcome === 'failed') return;
      }
    } finally {
      this.inFlight = undefined;
    }
  }

  private async connectedProducer(): Promise<Producer | undefined> {
    if (this.producer) return this.producer;
    const producer = this.options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded, so an outage ends the batch as failed (recorded, retried by the sweep).
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    try {
      await producer.connect();
    } catch (error) {
      this.consecutiveFailures += 1;
      this.options.logger.error(
        {
          schema: this.options.schema,
          consecutiveFailures: this.consecutiveFailures,
          err: describeError(error),
        },
        'outbox relay cannot reach Kafka; rows wait in the outbox',
      );
      await producer.disconnect().catch(() => undefined);
      return undefined;
    }
    if (!this.running) {
      // stop() ran while connecting.
      await producer.disconnect();
      return undefined;
    }
    this.producer = producer;
    return producer;
  }

  private async publishBatch(): Promise<BatchOutcome> {
    const producer = await this.connectedProducer();
    if (!producer) return 'failed';
    const runner = this.options.dataSource.createQueryRunner();
    let locked = false;
    try {
      await runner.connect();
      // One relay at a time per schema: two relays sending disjoint batches concurrently could
      // reorder one key's events. Other replicas wait here and then find what is left. A
      // session lock, not a transaction: nothing stays open in Postgres (no snapshot, no row
      // locks) while Kafka acknowledges the batch.
      await runner.query('SELECT pg_advisory_lock(hashtext($1))', [this.lockKey]);
      locked = true;
      const rows = (await runner.query(
        `SELECT seq, id, topic, key, type, source, subject, time, data, headers
           FROM ${this.table}
          WHERE published_at IS NULL
          ORDER BY seq
          LIMIT $1`,
        [this.batchSize],
      )) as OutboxRow[];
      if (rows.length === 0) {
        this.consecutiveFailures = 0;
        return 'empty';
      }
      const seqs = rows.map((r) => r.seq);
      try {
        await sendTraced(producer, rows);
      } catch (error) {
        // Nothing is marked published: Kafka may have taken part of the batch, so the whole
        // batch is sent again later (the consumers' inbox absorbs what arrives twice).
        await runner.query(
          `UPDATE ${this.table} SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1::bigint[])`,
          [seqs, describeError(error)],
        );
        this.consecutiveFailures += 1;
        this.options.logger.error(
          {
            schema: this.options.schema,
            rows: rows.length,
            firstSeq: seqs[0],
            consecutiveFailures: this.consecutiveFailures,
            err: describeError(error),
          },
          'outbox relay could not publish a batch; it stays unpublished and will be retried',
        );
        return 'failed';
      }
      // Only now, after every in-sync replica acknowledged the whole batch.
      await runner.query(
        `UPDATE ${this.table} SET published_at = now(), attempts = attempts + 1, last_error = NULL
          WHERE seq = ANY($1::bigint[])`,
        [seqs],
      );
      this.consecutiveFailures = 0;
      this.options.logger.debug(
        { schema: this.options.schema, rows: rows.length, lastSeq: seqs[seqs.length - 1] },
        'outbox relay published a batch',
      );
      return rows.length === this.batchSize ? 'full' : 'partial';
    } catch (error) {
      // Postgres trouble: what was sent but not marked is sent again on a later sweep.
      this.consecutiveFailures += 1;
      this.options.logger.error(
        {
          schema: this.options.schema,
          consecutiveFailures: this.consecutiveFailures,
          err: describeError(error),
        },
        'outbox relay batch failed',
      );
      return 'failed';
    } finally {
      await this.release(runner, locked);
    }
  }

  /**
   * Gives the connection back to the pool without the session lock. An unlock fails only when
   * the connection is gone, and the lock went with its session.
   */
  private async release(runner: QueryRunner, locked: boolean): Promise<void> {
    if (locked) {
      await runner
        .query('SELECT pg_advisory_unlock(hashtext($1))', [this.lockKey])
        .catch((error: unknown) => {
          this.options.logger.warn(
            { schema: this.options.schema, err: describeError(error) },
            'outbox relay could not release its lock; its connection is gone',
          );
        });
    }
    await runner.release();
  }
}

const tracer = trace.getTracer('harbour-messaging');

/**
 * Sends every row in one acknowledged `sendBatch` (one round trip per broker, whatever the number
 * of requests the rows came from). Each row keeps its own trace: a `send <topic>` producer span is
 * started as a child of the context stored with the row, and its `traceparent` goes in the
 * message's headers. The send itself runs with tracing suppressed, so the Kafka client's
 * instrumentation neither overwrites those headers nor parents every span on whichever request
 * or timer happened to run the relay.
 */
async function sendTraced(producer: Producer, rows: OutboxRow[]): Promise<void> {
  const spans: Span[] = [];
  const byTopic = new Map<string, OutgoingKafkaMessage[]>();
  for (const row of rows) {
    const stored = row.headers ?? {};
    const parent = extractTraceContext(stored);
    const span = tracer.startSpan(
      `send ${row.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'send',
          'messaging.destination.name': row.topic,
          'messaging.message.id': row.id,
          'cloudevents.event_type': row.type,
        },
      },
      parent,
    );
    spans.push(span);
    // Without a tracer provider the span is the stored context itself, so nothing changes.
    const headers = { ...stored, ...captureTraceHeaders(trace.setSpan(parent, span)) };
    const messages = byTopic.get(row.topic) ?? [];
    messages.push(toKafkaMessage(eventOf(row), row.key, headers));
    byTopic.set(row.topic, messages);
  }
  try {
    await context.with(suppressTracing(ROOT_CONTEXT), () =>
      producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      }),
    );
  } catch (error) {
    for (const span of spans) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
    }
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}

function eventOf(row: OutboxRow): HarbourEvent {
  return createEvent({
    id: row.id,
    type: row.type,
    source: row.source,
    time: new Date(row.time).toISOString(),
    data: row.data,
    ...(row.subject !== null ? { subject: row.subject } : {}),
  });
}
