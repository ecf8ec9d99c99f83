import {
  type AuditActor,
  AuditLog,
  type FieldCipher,
  quoteIdentifier,
  schemaOf,
} from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { AlertState } from '../domain/alert-state';
import { ACKNOWLEDGEMENT_RESPONSE_COLUMN } from '../security/encrypted-columns';
import { queryRows } from '@harbour/platform';

export type AcknowledgementVia = 'link' | 'api';

/** Who at which organisation acknowledged an alert, when, through what, and what they offered. */
export interface Acknowledgement {
  id: string;
  alertId: string;
  organisationId: string;
  organisationName: string;
  via: AcknowledgementVia;
  /** The address the link was sent to, `api-key:<keyId>`, or `person:<personId>`. */
  actor: string;
  /** Free text from a partner: may name people, never logged. */
  response: string | null;
  acknowledgedAt: Date;
}

/** The little of an alert the acknowledgement page and rules need: no summary lines. */
export interface AlertForAcknowledgement {
  id: string;
  title: string;
  severity: string;
  state: AlertState;
  acknowledgeBy: Date;
  acknowledgedAt: Date | null;
  /** When it was closed and why (the reason is written for recipients: no personal data). */
  closedAt: Date | null;
  closureReason: string | null;
}

export interface RecipientDelivery {
  deliveryId: string;
  address: string;
  organisationName: string;
}

interface AcknowledgementRow {
  id: string;
  alert_id: string;
  organisation_id: string;
  organisation_name: string;
  via: AcknowledgementVia;
  actor: string;
  response_encrypted: string | null;
  acknowledged_at: Date;
}

interface AlertRow {
  id: string;
  title: string;
  severity: string;
  state: AlertForAcknowledgement['state'];
  acknowledge_by: Date;
  acknowledged_at: Date | null;
  closed_at: Date | null;
  closure_reason: string | null;
}

/** What the audit log keeps of an acknowledgement: ids, and how it came. */
export interface AcknowledgementAudit {
  acknowledgementId: string;
  alertId: string;
  organisationId: string;
  via: AcknowledgementVia;
  /** The delivery whose link was used (link acknowledgements). */
  deliveryId: string | null;
  /** The API key used (API acknowledgements), or a signed-in person's session. */
  keyId: string | null;
  /** The signed-in person who acknowledged through the console; null otherwise. */
  personId?: string | null;
}

/**
 * SQL for acknowledgements; every method runs in the caller's transaction when given one.
 * Partners' responses are free text that may name people: stored encrypted with the service's
 * `FieldCipher`, decrypted only as a row is read.
 */
export class AcknowledgementRepository {
  private readonly schema: string;
  private readonly auditLog: AuditLog;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: FieldCipher,
  ) {
    this.schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
    this.auditLog = new AuditLog(dataSource);
  }

  /** Appends the acknowledgement to the audit log, in `manager`'s transaction (the one inserting it). */
  async audit(acknowledgement: AcknowledgementAudit, manager: EntityManager): Promise<void> {
    const [organisation] = await queryRows<{ kind: string }>(
      manager,
      `SELECT kind FROM ${this.schema}.organisation WHERE id = $1`,
      [acknowledgement.organisationId],
    );
    const organisationKind = organisation?.kind ?? 'unknown';
    const { organisationId, deliveryId, keyId } = acknowledgement;
    let actor: AuditActor;
    if (acknowledgement.via === 'link' && deliveryId !== null) {
      actor = { type: 'link', organisationId, organisationKind, deliveryId };
    } else if (acknowledgement.via === 'api' && keyId !== null) {
      const { personId } = acknowledgement;
      actor =
        personId === undefined || personId === null
          ? { type: 'api_key', organisationId, organisationKind, keyId }
          : { type: 'person', organisationId, organisationKind, personId, sessionId: keyId };
    } else {
      throw new Error(`an acknowledgement via ${acknowledgement.via} needs its delivery or key`);
    }
    await this.auditLog.append(manager, {
      actor,
      action: 'acknowledgement',
      resource: { kind: 'alert', id: acknowledgement.alertId },
      reason: acknowledgement.via === 'link' ? 'acknowledgement link' : 'acknowledgement API',
      details: {
        acknowledgementId: acknowledgement.acknowledgementId,
        organisationId,
        via: acknowledgement.via,
        deliveryId,
      },
    });
  }

  /** The alert, locked until the transaction ends, so acknowledgements of it never race. */
  async lockAlert(
    alertId: string,
    manager: EntityManager,
  ): Promise<AlertForAcknowledgement | null> {
    return this.alert(alertId, manager, 'FOR UPDATE');
  }

  async findAlert(
    alertId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AlertForAcknowledgement | null> {
    return this.alert(alertId, manager, '');
  }

  /**
   * A delivery of the alert to the organisation (the given one when `deliveryId` is set): what
   * makes the organisation a recipient, and so allowed to acknowledge.
   */
  async recipientDelivery(
    alertId: string,
    organisationId: string,
    deliveryId: string | null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<RecipientDelivery | null> {
    const rows = await queryRows<{ id: string; address: string; organisation_name: string }>(
      manager,
      `SELECT d.id, d.address, o.name AS organisation_name
         FROM ${this.schema}.delivery d JOIN ${this.schema}.organisation o ON o.id = d.organisation_id
        WHERE d.alert_id = $1 AND d.organisation_id = $2 AND ($3::uuid IS NULL OR d.id = $3::uuid)
        ORDER BY d.created_at LIMIT 1`,
      [alertId, organisationId, deliveryId],
    );
    const row = rows[0];
    return row === undefined
      ? null
      : { deliveryId: row.id, address: row.address, organisationName: row.organisation_name };
  }

  async byToken(
    tokenId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Acknowledgement | null> {
    return (await this.select('a.token_id = $1', [tokenId], manager))[0] ?? null;
  }

  async ofOrganisation(
    alertId: string,
    organisationId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Acknowledgement | null> {
    return (
      (
        await this.select(
          'a.alert_id = $1 AND a.organisation_id = $2',
          [alertId, organisationId],
          manager,
        )
      )[0] ?? null
    );
  }

  async ofAlert(alertId: string): Promise<Acknowledgement[]> {
    return this.select('a.alert_id = $1', [alertId], this.dataSource.manager);
  }

  async insert(
    acknowledgement: Omit<Acknowledgement, 'organisationName'> & { tokenId: string | null },
    manager: EntityManager,
  ): Promise<void> {
    await queryRows(
      manager,
      `INSERT INTO ${this.schema}.acknowledgement
         (id, alert_id, organisation_id, via, actor, response_encrypted, token_id, acknowledged_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        acknowledgement.id,
        acknowledgement.alertId,
        acknowledgement.organisationId,
        acknowledgement.via,
        acknowledgement.actor,
        acknowledgement.response === null
          ? null
          : this.cipher.encrypt(acknowledgement.response, ACKNOWLEDGEMENT_RESPONSE_COLUMN.context),
        acknowledgement.tokenId,
        acknowledgement.acknowledgedAt,
      ],
    );
  }

  /** The first acknowledgement settles the alert; later ones leave it as it is. */
  async markAlertAcknowledged(alertId: string, at: Date, manager: EntityManager): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `UPDATE ${this.schema}.alert SET state = 'acknowledged', acknowledged_at = $2
        WHERE id = $1 AND state = 'open' RETURNING id`,
      [alertId, at],
    );
    return rows.length > 0;
  }

  /** Escalation stops: timers still waiting will not fire. Returns how many were cancelled. */
  async cancelPendingEscalations(alertId: string, manager: EntityManager): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `UPDATE ${this.schema}.escalation_timer SET state = 'cancelled'
        WHERE alert_id = $1 AND state = 'pending' RETURNING id`,
      [alertId],
    );
    return rows.length;
  }

  private async alert(
    alertId: string,
    manager: EntityManager,
    lock: '' | 'FOR UPDATE',
  ): Promise<AlertForAcknowledgement | null> {
    const rows = await queryRows<AlertRow>(
      manager,
      `SELECT id, summary->>'title' AS title, severity, state, acknowledge_by, acknowledged_at,
              closed_at, closure_reason
         FROM ${this.schema}.alert WHERE id = $1 ${lock}`,
      [alertId],
    );
    const row = rows[0];
    return row === undefined
      ? null
      : {
          id: row.id,
          title: row.title,
          severity: row.severity,
          state: row.state,
          acknowledgeBy: row.acknowledge_by,
          acknowledgedAt: row.acknowledged_at,
          closedAt: row.closed_at,
          closureReason: row.closure_reason,
        };
  }

  private async select(
    where: string,
    parameters: unknown[],
    manager: EntityManager,
  ): Promise<Acknowledgement[]> {
    const rows = await queryRows<AcknowledgementRow>(
      manager,
      `SELECT a.id, a.alert_id, a.organisation_id, o.name AS organisation_name, a.via, a.actor,
              a.response_encrypted, a.acknowledged_at
         FROM ${this.schema}.acknowledgement a JOIN ${this.schema}.organisation o ON o.id = a.organisation_id
        WHERE ${where} ORDER BY a.acknowledged_at, a.id`,
      parameters,
    );
    return rows.map((row) => ({
      id: row.id,
      alertId: row.alert_id,
      organisationId: row.organisation_id,
      organisationName: row.organisation_name,
      via: row.via,
      actor: row.actor,
      response:
        row.response_encrypted === null
          ? null
          : this.cipher.decrypt(row.response_encrypted, ACKNOWLEDGEMENT_RESPONSE_COLUMN.context),
      acknowledgedAt: row.acknowledged_at,
    }));
  }
}
