import { randomUUID } from 'node:crypto';
import {
  AuditLog,
  quoteIdentifier,
  schemaOf,
  systemActor,
  withinTransaction,
} from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type DeliveryEventKind,
  type DeliveryPurpose,
  type DeliveryStatus,
  deliveryMessageId,
} from '../domain/delivery';
import type { OutboxRow } from '@harbour/messaging';
import { queryRows } from '@harbour/platform';
import { StatementParameters } from '../infrastructure/statement-parameters';
import {
  ALERT_COLUMNS,
  type AlertRow,
  type RecordedAlert,
  toRecordedAlert,
} from '../alerts/alert-repository';
import { disclosedLevel, disclosureAction } from '../audit/disclosed-level';
import type { DeliveryRef } from './delivery-jobs';

/** One message of one alert to one contact of one organisation. The row is the truth; queue jobs only point at it. */
export interface Delivery {
  id: string;
  alertId: string;
  organisationId: string;
  contactId: string;
  channel: DeliveryChannelKind;
  address: string;
  status: DeliveryStatus;
  attempts: number;
  messageId: string;
  matchedRule: string;
  createdAt: Date;
  enqueuedAt: Date | null;
  sentAt: Date | null;
  failedAt: Date | null;
  lastError: string | null;
  /** What the channel said when it accepted the message (`250 …`, `HTTP 204`). */
  providerResponse: string | null;
  purpose: DeliveryPurpose;
  escalationLevel: number | null;
  escalationLoop: number | null;
  stage: string | null;
  /** The released stage a follow-up shows. */
  stageId: string | null;
}

export type DeliveryChannelKind = 'email' | 'webhook';

export interface NewDelivery {
  alertId: string;
  organisationId: string;
  contactId: string;
  channel: DeliveryChannelKind;
  address: string;
  matchedRule: string;
  /** Default `alert`. */
  purpose?: DeliveryPurpose;
  escalationLevel?: number;
  escalationLoop?: number;
  stage?: string;
  stageId?: string;
}

/** One step of a delivery, as the delivery log shows it. */
export interface DeliveryEvent {
  deliveryId: string;
  alertId: string;
  event: DeliveryEventKind;
  detail: string | null;
  at: Date;
}

/** A delivery as an administrator sees it: with the organisation's name and kind. */
export interface DeliveryView extends Delivery {
  organisationName: string;
  organisationKind: string;
}

/**
 * A pending delivery taken for one more attempt, with what sending it needs: its alert and the
 * kind of the organisation it goes to (what it may be shown depends on it).
 */
export interface ClaimedDelivery {
  /** As it is now: `attempts` counts the attempt being made. */
  delivery: Delivery;
  alert: RecordedAlert;
  recipientKind: string;
}

/** A send the channel accepted, to be recorded with its `harbour.alert.delivered` event. */
export interface SentRecord {
  deliveryId: string;
  sentAt: Date;
  /** What the channel said when it accepted the message (`250 …`, `HTTP 204`). */
  providerResponse: string | null;
  /** The outbox row of the event, written only if the delivery was still pending. */
  event: OutboxRow;
}

/**
 * What a sent delivery disclosed, as the audit log records it: ids, the rule that matched, the
 * level its recipient saw — never the address.
 */
export interface SentDisclosure {
  deliveryId: string;
  alertId: string;
  organisationId: string;
  contactId: string;
  channel: string;
  purpose: DeliveryPurpose;
  stage: string | null;
  stageId: string | null;
  escalationLevel: number | null;
  matchedRule: string;
  /** The alert's own disclosure level. */
  alertLevel: string;
  recipientKind: string;
}

interface DeliveryRow {
  id: string;
  alert_id: string;
  organisation_id: string;
  contact_id: string;
  channel: string;
  address: string;
  status: DeliveryStatus;
  attempts: number;
  message_id: string;
  matched_rule: string;
  created_at: Date;
  enqueued_at: Date | null;
  sent_at: Date | null;
  failed_at: Date | null;
  last_error: string | null;
  provider_response: string | null;
  purpose: DeliveryPurpose;
  escalation_level: number | null;
  escalation_loop: number | null;
  stage: string | null;
  stage_id: string | null;
}

interface DeliveryEventRow {
  delivery_id: string;
  alert_id: string;
  event: DeliveryEventKind;
  detail: string | null;
  at: Date;
}

interface DeliveryViewRow extends DeliveryRow {
  organisation_name: string;
  organisation_kind: string;
}

const COLUMNS =
  'd.id, d.alert_id, d.organisation_id, d.contact_id, d.channel, d.address, d.status, d.attempts, d.message_id, d.matched_rule, d.created_at, d.enqueued_at, d.sent_at, d.failed_at, d.last_error, d.provider_response, d.purpose, d.escalation_level, d.escalation_loop, d.stage, d.stage_id';

/** The alert's columns beside a delivery's, each as `a_<column>` (both have `id`, `created_at`). */
const ALERT_NAMES = ALERT_COLUMNS.split(',').map((column) => column.trim());
const PREFIXED_ALERT_COLUMNS = ALERT_NAMES.map((column) => `a.${column} AS a_${column}`).join(', ');

type ClaimedRow = DeliveryRow & { recipient_kind: string } & Record<string, unknown>;

/** Longest error text kept on a delivery row. */
const MAX_ERROR_LENGTH = 1000;

export class DeliveryRepository {
  private readonly table: string;
  private readonly organisations: string;
  private readonly events: string;
  private readonly alerts: string;
  private readonly audit: AuditLog;

  constructor(private readonly dataSource: DataSource) {
    const schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
    this.table = `${schema}.delivery`;
    this.organisations = `${schema}.organisation`;
    this.events = `${schema}.delivery_event`;
    this.alerts = `${schema}.alert`;
    this.audit = new AuditLog(dataSource);
  }

  /**
   * Adds pending deliveries, each with a new id and the message id every retry will reuse, and
   * logs each as `queued`, all through `manager` (the caller's transaction). A delivery that
   * already exists (same alert, contact, purpose, level, loop and stage) is not added again —
   * so an alert's closure reaches each contact once, however often it is cancelled;
   * the ids returned are those of the deliveries added now.
   */
  async addPending(deliveries: readonly NewDelivery[], manager: EntityManager): Promise<string[]> {
    if (deliveries.length === 0) return [];
    // All of them in one statement: an alert reaching a dozen contacts costs one round trip.
    const parameters = new StatementParameters();
    const insert = this.pendingInsert(deliveries, parameters, 'added');
    const rows = await queryRows<{ id: string }>(
      manager,
      `WITH ${insert.sql} SELECT id FROM added`,
      parameters.values,
    );
    return insert.addedOf(rows.map((row) => row.id));
  }

  /**
   * `addPending` as CTEs for a larger statement (the one recording an alert): `<name>` holds the
   * deliveries added (`id`), with their `queued` log rows beside. With `when` (a condition on
   * the statement's other CTEs) nothing is added unless it holds. `addedOf` keeps, of the ids
   * the statement returned from `<name>`, those added now, in the order asked for.
   */
  pendingInsert(
    deliveries: readonly NewDelivery[],
    parameters: StatementParameters,
    name: string,
    when = 'true',
  ): { sql: string; addedOf: (returned: readonly string[]) => string[] } {
    const ids = deliveries.map(() => randomUUID());
    const column = (value: (delivery: NewDelivery, index: number) => unknown, cast: string) =>
      parameters.add(deliveries.map(value), cast);
    const sql = `${name}_input AS (
         SELECT * FROM unnest(${parameters.add(ids, 'uuid[]')},
                              ${column((d) => d.alertId, 'uuid[]')},
                              ${column((d) => d.organisationId, 'uuid[]')},
                              ${column((d) => d.contactId, 'uuid[]')},
                              ${column((d) => d.channel, 'text[]')},
                              ${column((d) => d.address, 'text[]')},
                              ${column((d, index) => deliveryMessageId(ids[index] ?? '', d.channel), 'text[]')},
                              ${column((d) => d.matchedRule, 'text[]')},
                              ${column((d) => d.purpose ?? 'alert', 'text[]')},
                              ${column((d) => d.escalationLevel ?? null, 'int[]')},
                              ${column((d) => d.escalationLoop ?? null, 'int[]')},
                              ${column((d) => d.stage ?? null, 'text[]')},
                              ${column((d) => d.stageId ?? null, 'uuid[]')})
           WITH ORDINALITY
           AS i (id, alert_id, organisation_id, contact_id, channel, address, message_id,
                 matched_rule, purpose, escalation_level, escalation_loop, stage, stage_id, n)
       ), ${name} AS (
         INSERT INTO ${this.table}
           (id, alert_id, organisation_id, contact_id, channel, address, status, message_id,
            matched_rule, purpose, escalation_level, escalation_loop, stage, stage_id)
         SELECT id, alert_id, organisation_id, contact_id, channel, address, 'pending', message_id,
                matched_rule, purpose, escalation_level, escalation_loop, stage, stage_id
           FROM ${name}_input WHERE ${when} ORDER BY n
         ON CONFLICT DO NOTHING
         RETURNING id, alert_id, channel
       ), ${name}_logged AS (
         INSERT INTO ${this.events} (delivery_id, alert_id, event, detail)
         SELECT id, alert_id, 'queued', 'channel=' || channel FROM ${name}
       )`;
    return {
      sql,
      addedOf: (returned) => {
        const added = new Set(returned);
        return ids.filter((id) => added.has(id));
      },
    };
  }

  /** The delivery log of an alert: every step of every delivery, oldest first. */
  async eventsOfAlert(
    alertId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<DeliveryEvent[]> {
    const rows = await queryRows<DeliveryEventRow>(
      manager,
      `SELECT delivery_id, alert_id, event, detail, at FROM ${this.events}
        WHERE alert_id = $1 ORDER BY at, id`,
      [alertId],
    );
    return rows.map((row) => ({
      deliveryId: row.delivery_id,
      alertId: row.alert_id,
      event: row.event,
      detail: row.detail,
      at: row.at,
    }));
  }

  async find(
    deliveryId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Delivery | null> {
    const rows = await queryRows<DeliveryRow>(
      manager,
      `SELECT ${COLUMNS} FROM ${this.table} d WHERE d.id = $1`,
      [deliveryId],
    );
    const row = rows[0];
    return row === undefined ? null : toDelivery(row);
  }

  /**
   * Counts one more send attempt of a pending delivery and returns it with its alert and its
   * recipient's kind, in one statement; null when the delivery is not pending, does not exist
   * or has no alert (nothing is counted then: `find` tells which).
   */
  async claim(deliveryId: string): Promise<ClaimedDelivery | null> {
    const [row] = await queryRows<ClaimedRow>(
      this.dataSource.manager,
      `UPDATE ${this.table} d SET attempts = d.attempts + 1
         FROM ${this.alerts} a, ${this.organisations} o
        WHERE d.id = $1 AND d.status = 'pending' AND a.id = d.alert_id AND o.id = d.organisation_id
       RETURNING ${COLUMNS}, ${PREFIXED_ALERT_COLUMNS}, o.kind AS recipient_kind`,
      [deliveryId],
    );
    if (row === undefined) return null;
    const alert = Object.fromEntries(
      ALERT_NAMES.map((column) => [column, row[`a_${column}`]]),
    ) as unknown as AlertRow;
    return {
      delivery: toDelivery(row),
      alert: toRecordedAlert(alert),
      recipientKind: row.recipient_kind,
    };
  }

  /** Every delivery of an alert with its organisation, in the order they were created. */
  async viewsOfAlert(
    alertId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<DeliveryView[]> {
    const rows = await queryRows<DeliveryViewRow>(
      manager,
      `SELECT ${COLUMNS}, o.name AS organisation_name, o.kind AS organisation_kind
         FROM ${this.table} d JOIN ${this.organisations} o ON o.id = d.organisation_id
        WHERE d.alert_id = $1
        ORDER BY d.created_at, o.name, d.address`,
      [alertId],
    );
    return rows.map((row) => ({
      ...toDelivery(row),
      organisationName: row.organisation_name,
      organisationKind: row.organisation_kind,
    }));
  }

  /**
   * Records why the last attempt failed and logs `retrying` with that reason, in one statement;
   * the delivery stays pending for a retry.
   */
  async recordError(
    deliveryId: string,
    error: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await queryRows(manager, this.changeAndLog(`last_error = $2`, 'retrying', '$2'), [
      deliveryId,
      truncate(error),
    ]);
  }

  /**
   * Pending → sent, with what the channel answered, logged as `sent` in the same statement; a
   * delivery that carried more than the notice (operational or personal details) is recorded in
   * the audit log in the same transaction. False if it was not pending (a concurrent attempt
   * got there first).
   */
  async markSent(
    deliveryId: string,
    sentAt: Date,
    manager: EntityManager,
    providerResponse: string | null = null,
  ): Promise<boolean> {
    return withinTransaction(manager, async (transaction) => {
      const rows = await queryRows<{ delivery_id: string }>(
        transaction,
        this.changeAndLog(
          `status = 'sent', sent_at = $2, last_error = NULL, provider_response = $3`,
          'sent',
          '$3',
        ),
        [deliveryId, sentAt, providerResponse === null ? null : truncate(providerResponse)],
      );
      if (rows.length === 0) return false;
      await this.auditDisclosure(deliveryId, transaction);
      return true;
    });
  }

  /**
   * Pending → sent for each record, with what the channel answered, logged as `sent` and with
   * its `harbour.alert.delivered` row in `outboxTable` — all of them in one statement, so
   * atomic without a transaction and one round trip however many there are. Returns the ids
   * that were still pending (and are sent now); a record of a delivery no longer pending (a
   * concurrent attempt got there first, or the same delivery twice in `records`) changes
   * nothing and writes no event. Records no audit entry: a delivery above the notice needs
   * `recordDisclosure` in the same transaction.
   */
  async recordSent(
    records: readonly SentRecord[],
    outboxTable: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Set<string>> {
    // The first record of a delivery counts; a later one in the same call changes nothing.
    const firsts = new Map<string, SentRecord>();
    for (const record of records) {
      if (!firsts.has(record.deliveryId)) firsts.set(record.deliveryId, record);
    }
    const unique = [...firsts.values()];
    if (unique.length === 0) return new Set();
    const column = <T>(value: (record: SentRecord) => T): T[] => unique.map(value);
    const rows = await queryRows<{ id: string }>(
      manager,
      `WITH sent AS (
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::uuid[], $5::text[],
                              $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[],
                              $11::text[], $12::text[])
           AS s (delivery_id, sent_at, provider_response, event_id, topic, key, type, source,
                 subject, time, data, headers)
       ), changed AS (
         UPDATE ${this.table} d
            SET status = 'sent', sent_at = s.sent_at, last_error = NULL,
                provider_response = s.provider_response
           FROM sent s
          WHERE d.id = s.delivery_id AND d.status = 'pending'
         RETURNING d.id, d.alert_id, s.provider_response
       ), logged AS (
         INSERT INTO ${this.events} (delivery_id, alert_id, event, detail)
         SELECT id, alert_id, 'sent', provider_response FROM changed
       ), published AS (
         INSERT INTO ${outboxTable} (id, topic, key, type, source, subject, time, data, headers)
         SELECT s.event_id, s.topic, s.key, s.type, s.source, s.subject, s.time, s.data::jsonb,
                s.headers::jsonb
           FROM sent s JOIN changed c ON c.id = s.delivery_id
       )
       SELECT id FROM changed`,
      [
        column((r) => r.deliveryId),
        column((r) => r.sentAt),
        column((r) => (r.providerResponse === null ? null : truncate(r.providerResponse))),
        column((r) => r.event.id),
        column((r) => r.event.topic),
        column((r) => r.event.key),
        column((r) => r.event.type),
        column((r) => r.event.source),
        column((r) => r.event.subject),
        column((r) => r.event.time),
        column((r) => r.event.data),
        column((r) => r.event.headers),
      ],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Records, in the caller's transaction, who was sent what level of an alert under which rule
   * (ids only, never the address), when that level is above the notice; false when it was a
   * notice, which is not audited.
   */
  async recordDisclosure(manager: EntityManager, sent: SentDisclosure): Promise<boolean> {
    const action = disclosureAction(disclosedLevel(sent));
    if (action === null) return false;
    await this.audit.append(manager, {
      actor: systemActor('notification'),
      action,
      resource: { kind: 'alert', id: sent.alertId },
      reason: sent.matchedRule,
      details: {
        deliveryId: sent.deliveryId,
        organisationId: sent.organisationId,
        organisationKind: sent.recipientKind,
        contactId: sent.contactId,
        channel: sent.channel,
        purpose: sent.purpose,
        stageId: sent.stageId,
        escalationLevel: sent.escalationLevel,
      },
    });
    return true;
  }

  /** Records who was sent what level of an alert, as the rows say now (`markSent`). */
  private async auditDisclosure(deliveryId: string, manager: EntityManager): Promise<void> {
    const [sent] = await queryRows<{
      alert_id: string;
      organisation_id: string;
      contact_id: string;
      channel: string;
      purpose: DeliveryPurpose;
      stage: string | null;
      stage_id: string | null;
      escalation_level: number | null;
      matched_rule: string;
      alert_level: string;
      recipient_kind: string;
    }>(
      manager,
      `SELECT d.alert_id, d.organisation_id, d.contact_id, d.channel, d.purpose, d.stage,
              d.stage_id, d.escalation_level, d.matched_rule,
              a.disclosure_level AS alert_level, o.kind AS recipient_kind
         FROM ${this.table} d
         JOIN ${this.alerts} a ON a.id = d.alert_id
         JOIN ${this.organisations} o ON o.id = d.organisation_id
        WHERE d.id = $1`,
      [deliveryId],
    );
    if (sent === undefined) throw new Error(`delivery ${deliveryId} vanished while being sent`);
    await this.recordDisclosure(manager, {
      deliveryId,
      alertId: sent.alert_id,
      organisationId: sent.organisation_id,
      contactId: sent.contact_id,
      channel: sent.channel,
      purpose: sent.purpose,
      stage: sent.stage,
      stageId: sent.stage_id,
      escalationLevel: sent.escalation_level,
      matchedRule: sent.matched_rule,
      alertLevel: sent.alert_level,
      recipientKind: sent.recipient_kind,
    });
  }

  /** Pending → failed, for good, logged as `failed` with the reason. False if it was not pending. */
  async markFailed(
    deliveryId: string,
    failedAt: Date,
    error: string,
    manager: EntityManager,
  ): Promise<boolean> {
    const rows = await queryRows<{ delivery_id: string }>(
      manager,
      this.changeAndLog(`status = 'failed', failed_at = $2, last_error = $3`, 'failed', '$3'),
      [deliveryId, failedAt, truncate(error)],
    );
    return rows.length > 0;
  }

  /**
   * One statement that changes a pending delivery ($1) and appends the matching log row, so
   * the log can never disagree with the row whatever transaction the caller is in.
   */
  private changeAndLog(set: string, event: DeliveryEventKind, detail: string): string {
    return `WITH changed AS (
              UPDATE ${this.table} SET ${set}
               WHERE id = $1 AND status = 'pending'
              RETURNING id, alert_id
            )
            INSERT INTO ${this.events} (delivery_id, alert_id, event, detail)
            SELECT id, alert_id, '${event}', ${detail} FROM changed
            RETURNING delivery_id`;
  }

  /** Pending deliveries never handed to the queue (new ones, or a crash between commit and enqueue). */
  async unarmed(limit: number): Promise<DeliveryRef[]> {
    const rows = await queryRows<DeliveryRef>(
      this.dataSource.manager,
      `SELECT id, channel FROM ${this.table}
        WHERE status = 'pending' AND enqueued_at IS NULL
        ORDER BY created_at, id
        LIMIT $1`,
      [limit],
    );
    return rows;
  }

  /** Pending deliveries whose job was last seen before `before`: their job may have been lost. */
  async armedBefore(before: Date, limit: number): Promise<DeliveryRef[]> {
    const rows = await queryRows<DeliveryRef>(
      this.dataSource.manager,
      `SELECT id, channel FROM ${this.table}
        WHERE status = 'pending' AND enqueued_at < $1
        ORDER BY enqueued_at, id
        LIMIT $2`,
      [before, limit],
    );
    return rows;
  }

  /** Notes that these deliveries have a live queue job as of now. */
  async markArmed(deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE ${this.table} SET enqueued_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
      [[...deliveryIds]],
    );
  }
}

function truncate(error: string): string {
  return error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH - 1)}…` : error;
}

function toDelivery(row: DeliveryRow): Delivery {
  if (row.channel !== 'email' && row.channel !== 'webhook') {
    throw new Error(`delivery ${row.id} has unknown channel`);
  }
  return {
    id: row.id,
    alertId: row.alert_id,
    organisationId: row.organisation_id,
    contactId: row.contact_id,
    channel: row.channel,
    address: row.address,
    status: row.status,
    attempts: row.attempts,
    messageId: row.message_id,
    matchedRule: row.matched_rule,
    createdAt: row.created_at,
    enqueuedAt: row.enqueued_at,
    sentAt: row.sent_at,
    failedAt: row.failed_at,
    lastError: row.last_error,
    providerResponse: row.provider_response,
    purpose: row.purpose,
    escalationLevel: row.escalation_level,
    escalationLoop: row.escalation_loop,
    stage: row.stage,
    stageId: row.stage_id,
  };
}
