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

/** One outbox row's values, in the order of `OUTBOX_COLUMNS` (JSON columns as text). */
export interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  type: string;
  source: string;
  subject: string | null;
  time: string;
  /** JSON text (the pg driver would turn a top-level array into a Postgres array). */
  data: string;
  /** JSON text: the trace context of the caller. */
  headers: string;
}

/** The columns an outbox row is written with, in the order of `OutboxRow`'s values. */
export const OUTBOX_COLUMNS = 'id, topic, key, type, source, subject, time, data, headers';

/**
 * Records events in the same transaction as the state change they describe: both commit or
 * neither does. `OutboxRelay` publishes them afterwards.
 */
export class Outbox {
  /** `<schema>.outbox`, quoted. */
  readonly table: string;

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
    const { event, row } = this.prepare(entry);
    await manager.query(
      `INSERT INTO ${this.table} (${OUTBOX_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)`,
      [
        row.id,
        row.topic,
        row.key,
        row.type,
        row.source,
        row.subject,
        row.time,
        row.data,
        row.headers,
      ],
    );
    return event;
  }

  /**
   * The validated event and the row `add` would insert, with the caller's trace context, for a
   * caller that writes the row into `table` itself — in the same statement as the state change
   * it describes (a data-modifying CTE), which is atomic without a transaction of its own. Never
   * for a row written on its own.
   * @throws EventValidationError when the payload does not match its schema.
   */
  prepare<T>(entry: OutboxEntry<T>): { event: HarbourEvent<T>; row: OutboxRow } {
    const verdict = this.options.validator(entry.type, entry.data);
    if (!verdict.ok) throw new EventValidationError(entry.type, verdict.issues);
    const event = createEvent({
      type: entry.type,
      source: this.options.source,
      data: entry.data,
      ...(entry.subject !== undefined ? { subject: entry.subject } : {}),
    });
    return {
      event,
      row: {
        id: event.id,
        topic: entry.topic,
        key: entry.key,
        type: event.type,
        source: event.source,
        subject: event.subject ?? null,
        time: event.time,
        data: JSON.stringify(event.data),
        headers: JSON.stringify(captureTraceHeaders()),
      },
    };
  }
}
