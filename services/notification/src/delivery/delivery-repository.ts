import { randomUUID } from 'node:crypto';
import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { type DeliveryStatus, deliveryMessageId } from '../domain/delivery';
import { queryRows } from '../infrastructure/query-rows';

/** One message of one alert to one contact of one organisation. The row is the truth; queue jobs only point at it. */
export interface Delivery {
  id: string;
  alertId: string;
  organisationId: string;
  contactId: string;
  channel: 'email';
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
}

export interface NewDelivery {
  alertId: string;
  organisationId: string;
  contactId: string;
  channel: 'email';
  address: string;
  matchedRule: string;
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
}

interface DeliveryViewRow extends DeliveryRow {
  organisation_name: string;
  organisation_kind: string;
}

const COLUMNS =
  'd.id, d.alert_id, d.organisation_id, d.contact_id, d.channel, d.address, d.status, d.attempts, d.message_id, d.matched_rule, d.created_at, d.enqueued_at, d.sent_at, d.failed_at, d.last_error';

/** Longest error text kept on a delivery row. */
const MAX_ERROR_LENGTH = 1000;

export class DeliveryRepository {
  private readonly table: string;
  private readonly organisations: string;

  constructor(private readonly dataSource: DataSource) {
    const schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
    this.table = `${schema}.delivery`;
    this.organisations = `${schema}.organisation`;
  }

  /** Adds pending deliveries, each with a new id and the Message-ID every retry will reuse. */
  async addPending(deliveries: readonly NewDelivery[], manager: EntityManager): Promise<string[]> {
    const ids: string[] = [];
    for (const delivery of deliveries) {
      const id = randomUUID();
      await manager.query(
        `INSERT INTO ${this.table}
           (id, alert_id, organisation_id, contact_id, channel, address, status, message_id, matched_rule)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8)`,
        [
          id,
          delivery.alertId,
          delivery.organisationId,
          delivery.contactId,
          delivery.channel,
          delivery.address,
          deliveryMessageId(id),
          delivery.matchedRule,
        ],
      );
      ids.push(id);
    }
    return ids;
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

  /** Records why the last attempt failed; the delivery stays pending for a retry. */
  async recordError(deliveryId: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET last_error = $2 WHERE id = $1 AND status = 'pending'`,
      [deliveryId, truncate(error)],
    );
  }

  /** Pending → sent. False if it was not pending (a concurrent attempt got there first). */
  async markSent(deliveryId: string, sentAt: Date, manager: EntityManager): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `UPDATE ${this.table} SET status = 'sent', sent_at = $2, last_error = NULL
        WHERE id = $1 AND status = 'pending'
        RETURNING id`,
      [deliveryId, sentAt],
    );
    return rows.length > 0;
  }

  /** Pending → failed, for good. False if it was not pending. */
  async markFailed(
    deliveryId: string,
    failedAt: Date,
    error: string,
    manager: EntityManager,
  ): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `UPDATE ${this.table} SET status = 'failed', failed_at = $2, last_error = $3
        WHERE id = $1 AND status = 'pending'
        RETURNING id`,
      [deliveryId, failedAt, truncate(error)],
    );
    return rows.length > 0;
  }

  /** Pending deliveries never handed to the queue (new ones, or a crash between commit and enqueue). */
  async unarmed(limit: number): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource.manager,
      `SELECT id FROM ${this.table}
        WHERE status = 'pending' AND enqueued_at IS NULL
        ORDER BY created_at, id
        LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }

  /** Pending deliveries whose job was last seen before `before`: their job may have been lost. */
  async armedBefore(before: Date, limit: number): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource.manager,
      `SELECT id FROM ${this.table}
        WHERE status = 'pending' AND enqueued_at < $1
        ORDER BY enqueued_at, id
        LIMIT $2`,
      [before, limit],
    );
    return rows.map((row) => row.id);
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
  if (row.channel !== 'email') throw new Error(`delivery ${row.id} has unknown channel`);
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
  };
}
