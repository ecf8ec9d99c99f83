import { context } from '@opentelemetry/api';
import { Partitioners, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { type OutgoingKafkaMessage, toKafkaMessage } from './cloudevents-codec';
import { createEvent } from './harbour-event';
import type { KafkaClient } from './kafka-client';
import { describeError, type Logger } from './logger';
import { outboxTable } from './sql-identifiers';
import { extractTraceContext } from './trace-context';

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
    try {
      await runner.connect();
      await runner.startTransaction();
      // One relay at a time per schema: two relays sending disjoint batches concurrently could
      // reorder one key's events. Other replicas wait here and then find what is left.
      await runner.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.lockKey]);
      const rows = (await runner.query(
        `SELECT seq, id, topic, key, type, source, subject, time, data, headers
           FROM ${this.table}
          WHERE published_at IS NULL
          ORDER BY seq
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      )) as OutboxRow[];
      if (rows.length === 0) {
        await runner.commitTransaction();
        this.consecutiveFailures = 0;
        return 'empty';
      }
      const seqs = rows.map((r) => r.seq);
      const sent: string[] = [];
      try {
        // Each run of rows from one trace is sent inside that trace's context, so the producer
        // span (and the traceparent the Kafka instrumentation injects) continues the request
        // that wrote the row, not whichever request or timer happened to run the relay.
        for (const run of runsByTrace(rows)) {
          await context.with(extractTraceContext(run[0]?.headers ?? {}), () =>
            producer.sendBatch({ acks: -1, topicMessages: groupByTopic(run) }),
          );
          sent.push(...run.map((r) => r.seq));
        }
      } catch (error) {
        // What Kafka acknowledged is published; the rest is retried on a later sweep.
        if (sent.length > 0) {
          await runner.query(
            `UPDATE ${this.table} SET published_at = now(), attempts = attempts + 1, last_error = NULL
              WHERE seq = ANY($1::bigint[])`,
            [sent],
          );
        }
        await runner.query(
          `UPDATE ${this.table} SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1::bigint[])`,
          [seqs.filter((seq) => !sent.includes(seq)), describeError(error)],
        );
        await runner.commitTransaction();
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
      await runner.query(
        `UPDATE ${this.table} SET published_at = now(), attempts = attempts + 1, last_error = NULL
          WHERE seq = ANY($1::bigint[])`,
        [seqs],
      );
      await runner.commitTransaction();
      this.consecutiveFailures = 0;
      this.options.logger.debug(
        { schema: this.options.schema, rows: rows.length, lastSeq: seqs[seqs.length - 1] },
        'outbox relay published a batch',
      );
      return rows.length === this.batchSize ? 'full' : 'partial';
    } catch (error) {
      // Postgres trouble: nothing was marked, so the rows are retried on a later sweep.
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
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
      await runner.release();
    }
  }
}

/** Consecutive rows that share a trace context (commit order is kept across runs). */
function runsByTrace(rows: OutboxRow[]): OutboxRow[][] {
  const runs: OutboxRow[][] = [];
  let traceOfRun: string | undefined;
  for (const row of rows) {
    const trace = row.headers?.traceparent ?? '';
    const last = runs[runs.length - 1];
    if (last !== undefined && trace === traceOfRun) last.push(row);
    else {
      runs.push([row]);
      traceOfRun = trace;
    }
  }
  return runs;
}

function groupByTopic(rows: OutboxRow[]): { topic: string; messages: OutgoingKafkaMessage[] }[] {
  const byTopic = new Map<string, OutgoingKafkaMessage[]>();
  for (const row of rows) {
    const event = createEvent({
      id: row.id,
      type: row.type,
      source: row.source,
      time: new Date(row.time).toISOString(),
      data: row.data,
      ...(row.subject !== null ? { subject: row.subject } : {}),
    });
    const messages = byTopic.get(row.topic) ?? [];
    messages.push(toKafkaMessage(event, row.key, row.headers ?? {}));
    byTopic.set(row.topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
