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
import { queryRows } from '@harbour/platform';
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
    const ids: string[] = [];
    for (const delivery of deliveries) {
      const id = randomUUID();
      const rows = await queryRows<{ delivery_id: string }>(
        manager,
        `WITH added AS (
           INSERT INTO ${this.table}
             (id, alert_id, organisation_id, contact_id, channel, address, status, message_id,
              matched_rule, purpose, escalation_level, escalation_loop, stage, stage_id)
           VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $11, $12, $13)
           ON CONFLICT DO NOTHING
           RETURNING id, alert_id, channel
         )
         INSERT INTO ${this.events} (delivery_id, alert_id, event, detail)
         SELECT id, alert_id, 'queued', 'channel=' || channel FROM added
         RETURNING delivery_id`,
        [
          id,
          delivery.alertId,
          delivery.organisationId,
          delivery.contactId,
          delivery.channel,
          delivery.address,
          deliveryMessageId(id, delivery.channel),
          delivery.matchedRule,
          delivery.purpose ?? 'alert',
          delivery.escalationLevel ?? null,
          delivery.escalationLoop ?? null,
          delivery.stage ?? null,
          delivery.stageId ?? null,
        ],
      );
      if (rows.length > 0) ids.push(id);
    }
    return ids;
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

  /** The kind of the organisation a delivery goes to (what it may be shown depends on it). */
  async recipientKind(
    deliveryId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string | null> {
    const rows = await queryRows<{ kind: string }>(
      manager,
      `SELECT o.kind FROM ${this.table} d JOIN ${this.organisations} o ON o.id = d.organisation_id
        WHERE d.id = $1`,
      [deliveryId],
    );
    return rows[0]?.kind ?? null;
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
   * Counts one more send attempt of a pending delivery and returns the new count, or null when
   * the delivery is no longer pending (already sent or failed: nothing to do).
   */
  async startAttempt(deliveryId: string): Promise<number | null> {
    const rows = await queryRows<{ attempts: number }>(
      this.dataSource.manager,
      `UPDATE ${this.table} SET attempts = attempts + 1
        WHERE id = $1 AND status = 'pending'
        RETURNING attempts`,
      [deliveryId],
    );
    return rows[0]?.attempts ?? null;
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

  /** Records who was sent what level of an alert, under which rule: ids only, never the address. */
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
    const level = disclosedLevel({
      channel: sent.channel,
      purpose: sent.purpose,
      stage: sent.stage,
      alertLevel: sent.alert_level,
      recipientKind: sent.recipient_kind,
    });
    const action = disclosureAction(level);
    if (action === null) return;
    await this.audit.append(manager, {
      actor: systemActor('notification'),
      action,
      resource: { kind: 'alert', id: sent.alert_id },
      reason: sent.matched_rule,
      details: {
        deliveryId,
        organisationId: sent.organisation_id,
        organisationKind: sent.recipient_kind,
        contactId: sent.contact_id,
        channel: sent.channel,
        purpose: sent.purpose,
        stageId: sent.stage_id,
        escalationLevel: sent.escalation_level,
      },
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
