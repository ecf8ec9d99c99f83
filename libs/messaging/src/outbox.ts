import type { EntityManager } from 'typeorm';
import { EventValidationError } from './errors';
import type { EventValidator } from './event-validator';
import { createEvent, type HarbourEvent } from './harbour-event';
import { outboxTable } from './sql-identifiers';
import { captureTraceHeaders } from './trace-context';

export interface OutboxOptions {
  /** The service's Postgres schema holding `outbox` (see `createMessagingTables`). */
  schema: string;
  /** CloudEvents `source` of every event this service emits, e.g. `/harbour/intake`. */
  source: string;
  validator: EventValidator;
}

export interface OutboxEntry<T = unknown> {
  topic: string;
  /** Kafka key: the aggregate id, so one aggregate's events stay in order. */
  key: string;
  type: string;
  data: T;
  subject?: string;
}

/**
 * Records events in the same transaction as the state change they describe: both commit or
 * neither does. `OutboxRelay` publishes them afterwards.
 */
export class Outbox {
  private readonly table: string;

  constructor(private readonly options: OutboxOptions) {
    this.table = outboxTable(options.schema);
  }

  /**
   * Validates `data`, then inserts the event through `manager`, which must be the manager of the
   * caller's transaction (`dataSource.transaction(manager => ...)` or `withOutbox`).
   * @throws EventValidationError when the payload does not match its schema.
   */
  async add<T>(manager: EntityManager, entry: OutboxEntry<T>): Promise<HarbourEvent<T>> {
    if (!manager.queryRunner?.isTransactionActive) {
      // An outbox row committed on its own is exactly the dual write the outbox exists to avoid.
      throw new Error('Outbox.add needs the manager of an open transaction (use withOutbox)');
    }
    const verdict = this.options.validator(entry.type, entry.data);
    if (!verdict.ok) throw new EventValidationError(entry.type, verdict.issues);
    const event = createEvent({
      type: entry.type,
      source: this.options.source,
      data: entry.data,
      ...(entry.subject !== undefined ? { subject: entry.subject } : {}),
    });
    await manager.query(
      `INSERT INTO ${this.table} (id, topic, key, type, source, subject, time, data, headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)`,
      [
        event.id,
        entry.topic,
        entry.key,
        event.type,
        event.source,
        event.subject ?? null,
        event.time,
        // Stringified here: the pg driver would turn a top-level array into a Postgres array.
        JSON.stringify(event.data),
        JSON.stringify(captureTraceHeaders()),
      ],
    );
    return event;
  }
}
