import { type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  type Consumer,
  type EachBatchPayload,
  type KafkaMessage,
  Partitioners,
  type Producer,
} from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy, waitWithHeartbeat } from './backoff';
import { fromKafkaMessage, headersAsText } from './cloudevents-codec';
import { deadLetterHeaders, type DlqReason } from './dead-letter-headers';
import { InvalidEnvelopeError } from './errors';
import { type EventValidator, formatIssues } from './event-validator';
import type { HarbourEvent } from './harbour-event';
import { dlqTopicOf, type KafkaClient } from './kafka-client';
import { describeError, type Logger } from './logger';
import { FinishedPrefix, lanesByKey, Slots } from './key-lanes';
import { inboxTable } from './sql-identifiers';
import { extractTraceContext } from './trace-context';
import type { Kickable } from './with-outbox';

/** Applies one event's effect through `manager`, the transaction that also records it in the inbox. */
export type EventHandler = (event: HarbourEvent, manager: EntityManager) => Promise<void>;

export interface EventConsumerOptions {
  kafka: KafkaClient;
  /** Consumer group; also the `consumer` column of the inbox and the DLQ `-consumer` header. */
  groupId: string;
  topics: string[];
  dataSource: DataSource;
  /** The service's Postgres schema holding `inbox` (see `createMessagingTables`). */
  schema: string;
  validator: EventValidator;
  logger: Logger;
  /** By event type; types without a handler are skipped. */
  handlers: Record<string, EventHandler>;
  retry?: Partial<RetryPolicy>;
  fromBeginning?: boolean;
  /** Kicked after each newly handled event commits (shorthand for `afterCommit: () => relay.kick()`). */
  relay?: Kickable;
  /**
   * Called (not awaited) after each newly handled event's transaction commits — typically
   * `() => relay.kick()`, so events the handler added to the outbox go out at once.
   */
  afterCommit?: (event: HarbourEvent) => unknown;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  /**
   * Partitions whose batches are handled at the same time; at most the topics' partition count
   * to be useful. Default 3 (the partitions `ensureTopics` gives a topic).
   */
  partitionsConsumedConcurrently?: number;
  /**
   * Most handlers running at once, across partitions. Messages with different keys may run side
   * by side; messages with one key never do, and run in offset order. Each running handler holds
   * a pooled database connection. Default 4; 1 handles one message at a time.
   */
  concurrency?: number;
  /**
   * Isolation of each event's transaction. `SERIALIZABLE` lets handlers whose decisions read what
   * other keys' events wrote run side by side: Postgres aborts one of two transactions that could
   * not have run one after the other (`40001`), and it runs again, so every outcome is that of
   * some one-at-a-time order. Default: the database's (read committed).
   */
  isolation?: 'SERIALIZABLE';
  /**
   * Text for the `harbour-dlq-error` header and logs when a handler fails. The default is the
   * error's name and message: handler error messages must never contain personal data.
   */
  describeError?: (error: unknown) => string;
}

type Outcome = 'handled' | 'duplicate' | 'skipped' | 'dead-lettered' | 'abandoned';

/** Marks an error thrown by the handler itself (as opposed to the inbox or the database). */
class HandlerFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('handler failed');
  }
}

const tracer = trace.getTracer('harbour-messaging');

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_PARTITIONS_CONCURRENTLY = 3;

/**
 * Consumes Harbour events with an exactly-once effect: each event's inbox row and its handler's
 * writes commit in one transaction, so a redelivery is a no-op. Invalid messages and handlers
 * that keep failing go to `<topic>.dlq`; the partition keeps flowing either way.
 */
export class EventConsumer {
  private readonly retry: RetryPolicy;
  private readonly inbox: string;
  private readonly heartbeatIntervalMs: number;
  private readonly describe: (error: unknown) => string;
  private readonly slots: Slots;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private stopping = new AbortController();
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: EventConsumerOptions) {
    const retry = options.retry ?? {};
    this.retry = {
      attempts: retry.attempts ?? DEFAULT_RETRY_POLICY.attempts,
      initialDelayMs: retry.initialDelayMs ?? DEFAULT_RETRY_POLICY.initialDelayMs,
      maxDelayMs: retry.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    };
    if (this.retry.attempts < 1) throw new Error('retry.attempts must be at least 1');
    this.inbox = inboxTable(options.schema);
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3_000;
    this.describe = options.describeError ?? ((error) => describeError(error));
    this.slots = new Slots(options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    this.stopped = undefined;
    const { kafka, groupId, logger } = this.options;
    this.stopping = new AbortController();
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      maxInFlightRequests: 1,
    });
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.heartbeatIntervalMs,
      rebalanceTimeout: this.options.rebalanceTimeoutMs ?? 60_000,
      // Short fetch waits keep shutdown quick; an idle consumer then polls about once a second.
      maxWaitTimeInMs: 1_000,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      logger.error(
        { groupId, err: describeError(payload.error), restart: payload.restart },
        'event consumer crashed',
      );
    });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({
      topics: this.options.topics,
      fromBeginning: this.options.fromBeginning ?? false,
    });
    this.producer = producer;
    this.consumer = consumer;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently:
        this.options.partitionsConsumedConcurrently ?? DEFAULT_PARTITIONS_CONCURRENTLY,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
    logger.info({ groupId, topics: this.options.topics }, 'event consumer started');
  }

  /**
   * Graceful: stops fetching, lets the in-flight message finish (a message waiting to be retried
   * is handed back uncommitted instead), commits what was processed, leaves the group and
   * disconnects.
   */
  async stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    this.stopping.abort();
    // kafkajs waits for the running batch to return, then leaves the group.
    await consumer.disconnect();
    // Only now: the in-flight message may still have needed the producer to dead-letter.
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
    this.options.logger.info({ groupId: this.options.groupId }, 'event consumer stopped');
  }

  /**
   * One fetched batch of one partition. Messages with different keys run side by side (at most
   * `concurrency` handlers at once across all partitions); one key's messages run one after the
   * other, in offset order. Offsets are committed only over the unbroken run of finished
   * messages from the start of the batch.
   */
  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const messages = batch.messages;
    const prefix = new FinishedPrefix(messages.length);
    let halted = false;
    let rebalancing: Error | undefined;
    let deadLetteredInPrefix = false;
    const deadLettered = new Set<number>();
    const heartbeat = (): Promise<void> => payload.heartbeat();
    const commit = (): Promise<void> =>
      payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
    const mayContinue = (): boolean =>
      !halted && payload.isRunning() && !payload.isStale() && !this.stopping.signal.aborted;

    const runLane = async (lane: number[]): Promise<void> => {
      for (const index of lane) {
        if (!mayContinue()) return;
        const message = messages[index];
        if (message === undefined) return;
        await this.slots.acquire();
        let outcome: Outcome;
        try {
          if (!mayContinue()) return;
          outcome = await this.process(batch.topic, batch.partition, message, heartbeat);
        } finally {
          this.slots.release();
        }
        if (outcome === 'abandoned') {
          // Shutdown or rebalance during a retry: nothing after it in this batch is committed.
          halted = true;
          return;
        }
        if (outcome === 'dead-lettered') deadLettered.add(index);
        for (const finished of prefix.finish(index)) {
          const done = messages[finished];
          if (done !== undefined) payload.resolveOffset(done.offset);
          if (deadLettered.has(finished)) deadLetteredInPrefix = true;
        }
        // A dead-lettered message is committed as soon as it can be, so a crash does not
        // dead-letter it twice.
        if (deadLetteredInPrefix) {
          deadLetteredInPrefix = false;
          await commit();
        }
        try {
          await heartbeat();
        } catch (error) {
          // Rebalancing: the other lanes stop taking messages; what was done is committed below.
          rebalancing ??= error instanceof Error ? error : new Error(String(error));
          halted = true;
          return;
        }
      }
    };

    const lanes = lanesByKey(messages.map((message) => message.key));
    const settled = await Promise.allSettled(lanes.map((lane) => runLane(lane)));
    if (rebalancing !== undefined) {
      await commit().catch(() => undefined);
      throw rebalancing;
    }
    await commit();
    const failed = settled.find((result) => result.status === 'rejected');
    // A failure outside the handler's retries (the dead-letter producer): the uncommitted rest of
    // the batch is fetched again.
    if (failed)
      throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }

  private async process(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<Outcome> {
    const { logger, groupId } = this.options;
    const where = { groupId, topic, partition, offset: message.offset };
    let event: HarbourEvent;
    try {
      event = fromKafkaMessage(message);
    } catch (error) {
      if (!(error instanceof InvalidEnvelopeError)) throw error;
      await this.deadLetter(topic, partition, message, 'invalid-envelope', error.message);
      logger.warn({ ...where, reason: error.message }, 'invalid envelope dead-lettered');
      return 'dead-lettered';
    }
    const handler = Object.hasOwn(this.options.handlers, event.type)
      ? this.options.handlers[event.type]
      : undefined;
    const about = { ...where, eventId: event.id, eventType: event.type };
    if (!handler) {
      logger.debug(about, 'no handler for event type; skipped');
      return 'skipped';
    }
    let problem: string | undefined;
    try {
      const verdict = this.options.validator(event.type, event.data);
      if (!verdict.ok) problem = formatIssues(verdict.issues);
    } catch (error) {
      problem = `validator threw ${error instanceof Error ? error.name : typeof error}`;
    }
    if (problem !== undefined) {
      await this.deadLetter(topic, partition, message, 'invalid-payload', problem);
      logger.warn({ ...about, issues: problem }, 'invalid payload dead-lettered');
      return 'dead-lettered';
    }
    const parent = extractTraceContext(headersAsText(message.headers));
    return tracer.startActiveSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': topic,
          'messaging.destination.partition.id': String(partition),
          'messaging.consumer.group.name': groupId,
          'messaging.kafka.offset': Number(message.offset),
          'messaging.message.id': event.id,
          'cloudevents.event_type': event.type,
          'cloudevents.event_source': event.source,
        },
      },
      parent,
      async (span) => {
        try {
          const outcome = await this.handleWithRetries(
            event,
            handler,
            topic,
            partition,
            message,
            heartbeat,
            span,
          );
          span.setAttribute('harbour.outcome', outcome);
          if (outcome === 'dead-lettered')
            span.setStatus({ code: SpanStatusCode.ERROR, message: 'dead-lettered' });
          return outcome;
        } finally {
          span.end();
        }
      },
    );
  }

  private async handleWithRetries(
    event: HarbourEvent,
    handler: EventHandler,
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    span: Span,
  ): Promise<Outcome> {
    const { logger, groupId } = this.options;
    const about = {
      groupId,
      topic,
      partition,
      offset: message.offset,
      eventId: event.id,
      eventType: event.type,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const work = async (manager: EntityManager): Promise<boolean> => {
          const inserted = await manager.query<unknown[]>(
            `INSERT INTO ${this.inbox} (consumer, source, event_id, event_type, topic)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING
             RETURNING event_id`,
            [groupId, event.source, event.id, event.type, topic],
          );
          if (inserted.length === 0) return false;
          try {
            await handler(event, manager);
          } catch (error) {
            throw new HandlerFailure(error);
          }
          return true;
        };
        const { dataSource, isolation } = this.options;
        const isNew = await (isolation === undefined
          ? dataSource.transaction(work)
          : dataSource.transaction(isolation, work));
        if (!isNew) {
          logger.debug(about, 'event already processed; redelivery ignored');
          return 'duplicate';
        }
        if (this.options.relay) void this.options.relay.kick();
        this.notifyCommitted(event);
        return 'handled';
      } catch (error) {
        const cause = error instanceof HandlerFailure ? error.cause : error;
        const text = this.describe(cause);
        // A database outage is not the message's fault, nor is a deadlock or serialization
        // failure with a handler running beside it: keep retrying, never dead-letter for those.
        const conflict = isTransactionConflict(cause);
        const messageAtFault =
          error instanceof HandlerFailure && !conflict && (await this.databaseReachable());
        span.addEvent('attempt failed', {
          attempt,
          error: text,
          'harbour.handler_fault': messageAtFault,
        });
        if (messageAtFault && attempt >= this.retry.attempts) {
          await this.deadLetter(topic, partition, message, 'handler-failed', text);
          logger.error(
            { ...about, attempts: attempt, err: text },
            'handler failed; event dead-lettered',
          );
          return 'dead-lettered';
        }
        // A conflict clears as soon as the other transaction ends: run again almost at once.
        const delayMs = backoffDelay(attempt, conflict ? CONFLICT_RETRY : this.retry);
        const log =
          messageAtFault || conflict ? logger.warn.bind(logger) : logger.error.bind(logger);
        log(
          { ...about, attempt, delayMs, err: text },
          messageAtFault
            ? 'handler failed; retrying'
            : conflict
              ? 'transaction conflicted with another; retrying'
              : 'could not record the event (database?); retrying',
        );
        const waited = await waitWithHeartbeat(
          delayMs,
          heartbeat,
          this.heartbeatIntervalMs,
          this.stopping.signal,
        );
        if (!waited) {
          logger.info(
            about,
            'retry interrupted by shutdown or rebalance; message handed back uncommitted',
          );
          return 'abandoned';
        }
      }
    }
  }

  private notifyCommitted(event: HarbourEvent): void {
    const hook = this.options.afterCommit;
    if (!hook) return;
    const failed = (error: unknown): void => {
      this.options.logger.warn(
        { eventId: event.id, err: describeError(error) },
        'afterCommit hook failed',
      );
    };
    try {
      Promise.resolve(hook(event)).catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  private async databaseReachable(): Promise<boolean> {
    try {
      await this.options.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: DlqReason,
    error: string,
  ): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new Error('event consumer is not started');
    // If this send fails, the error stops the batch uncommitted: the message is retried, not lost.
    await producer.send({
      topic: dlqTopicOf(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: deadLetterHeaders(message.headers, {
            reason,
            error,
            sourceTopic: topic,
            sourcePartition: partition,
            sourceOffset: message.offset,
            consumer: this.options.groupId,
            failedAt: new Date(),
          }),
        },
      ],
    });
  }
}

/** Waits before running a conflicted transaction again: 5 ms doubling, never more than 500 ms. */
const CONFLICT_RETRY = { initialDelayMs: 5, maxDelayMs: 500 };

/** Postgres deadlock_detected and serialization_failure: the transaction may simply run again. */
const CONFLICT_CODES = new Set(['40P01', '40001']);

function isTransactionConflict(error: unknown): boolean {
  const { code, driverError } = (error ?? {}) as {
    code?: unknown;
    driverError?: { code?: unknown };
  };
  const found = typeof code === 'string' ? code : driverError?.code;
  return typeof found === 'string' && CONFLICT_CODES.has(found);
}
