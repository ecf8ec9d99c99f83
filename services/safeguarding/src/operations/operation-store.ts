import type { OrganisationKind } from '@harbour/contracts';
import { quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { OperationNoticeDetails, OperationState } from '../domain/operation-notice';

export type OperationStatus = 'planned' | 'cancelled' | 'completed';

export interface OperationRecord {
  operationId: string;
  plannerOrganisationId: string;
  plannerKind: OrganisationKind;
  status: OperationStatus;
  revision: number;
  notice: OperationNoticeDetails;
  startsAt: string;
  /** Address, exact times and lead contact, encrypted (context `OPERATIONAL_CONTEXT`). */
  operationalEncrypted: string;
}

export interface NewOperation extends Omit<OperationRecord, 'status' | 'revision'> {
  plannedAt: string;
  eventId: string;
}

export interface OperationAlertRecord {
  alertId: string;
  rule: string;
  title: string;
  state: 'live' | 'superseded' | 'cancelled';
}

interface OperationRow {
  operation_id: string;
  planner_organisation_id: string;
  planner_kind: OrganisationKind;
  status: OperationStatus;
  revision: number;
  notice: OperationNoticeDetails;
  starts_at: Date;
  operational_encrypted: string;
}

/** The rules' view of a stored operation. */
export function stateOf(record: OperationRecord): OperationState {
  return {
    operationId: record.operationId,
    planner: { organisationId: record.plannerOrganisationId, organisationKind: record.plannerKind },
    notice: record.notice,
    startsAt: record.startsAt,
  };
}

/** Safeguarding's record of planned operations (latest revision) and of every alert about each. */
export class OperationStore {
  private readonly schema: string;

  constructor(schema: string) {
    this.schema = quoteIdentifier(schema);
  }

  /** False when the operation was already recorded (the same plan delivered again). */
  async insert(manager: EntityManager, operation: NewOperation): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO ${this.schema}.operation
         (operation_id, planner_organisation_id, planner_kind, status, revision, notice, starts_at,
          operational_encrypted, planned_at, last_event_id)
       VALUES ($1, $2, $3, 'planned', 1, $4::jsonb, $5, $6, $7, $8)
       ON CONFLICT (operation_id) DO NOTHING
       RETURNING operation_id`,
      [
        operation.operationId,
        operation.plannerOrganisationId,
        operation.plannerKind,
        JSON.stringify(operation.notice),
        operation.startsAt,
        operation.operationalEncrypted,
        operation.plannedAt,
        operation.eventId,
      ],
    );
    return rows.length === 1;
  }

  /**
   * The operation, locked until the transaction ends: the timer poller passes a locked operation
   * by, so an update and a timer of the same operation never interleave.
   */
  async lock(manager: EntityManager, operationId: string): Promise<OperationRecord | undefined> {
    return this.select(manager, operationId, 'FOR UPDATE');
  }

  async find(manager: EntityManager, operationId: string): Promise<OperationRecord | undefined> {
    return this.select(manager, operationId, '');
  }

  private async select(
    manager: EntityManager,
    operationId: string,
    lock: '' | 'FOR UPDATE',
  ): Promise<OperationRecord | undefined> {
    const rows = await manager.query<OperationRow[]>(
      `SELECT operation_id, planner_organisation_id, planner_kind, status, revision, notice,
              starts_at, operational_encrypted
         FROM ${this.schema}.operation WHERE operation_id = $1 ${lock}`,
      [operationId],
    );
    const [row] = rows;
    if (row === undefined) return undefined;
    return {
      operationId: row.operation_id,
      plannerOrganisationId: row.planner_organisation_id,
      plannerKind: row.planner_kind,
      status: row.status,
      revision: row.revision,
      notice: row.notice,
      startsAt: row.starts_at.toISOString(),
      operationalEncrypted: row.operational_encrypted,
    };
  }

  async revise(
    manager: EntityManager,
    operationId: string,
    revision: {
      revision: number;
      notice: OperationNoticeDetails;
      startsAt: string;
      operationalEncrypted: string;
      eventId: string;
    },
  ): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.operation
          SET revision = $2, notice = $3::jsonb, starts_at = $4, operational_encrypted = $5,
              last_event_id = $6, updated_at = now()
        WHERE operation_id = $1`,
      [
        operationId,
        revision.revision,
        JSON.stringify(revision.notice),
        revision.startsAt,
        revision.operationalEncrypted,
        revision.eventId,
      ],
    );
  }

  async setStatus(
    manager: EntityManager,
    operationId: string,
    status: OperationStatus,
    eventId: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.operation SET status = $2, last_event_id = $3, updated_at = now()
        WHERE operation_id = $1`,
      [operationId, status, eventId],
    );
  }

  async addAlert(
    manager: EntityManager,
    operationId: string,
    alert: { alertId: string; rule: string; title: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.schema}.operation_alert (alert_id, operation_id, rule, title, state)
       VALUES ($1, $2, $3, $4, 'live')`,
      [alert.alertId, operationId, alert.rule, alert.title],
    );
  }

  async alerts(manager: EntityManager, operationId: string): Promise<OperationAlertRecord[]> {
    const rows = await manager.query<
      { alert_id: string; rule: string; title: string; state: OperationAlertRecord['state'] }[]
    >(
      `SELECT alert_id, rule, title, state FROM ${this.schema}.operation_alert
        WHERE operation_id = $1 ORDER BY requested_at, alert_id`,
      [operationId],
    );
    return rows.map((r) => ({ alertId: r.alert_id, rule: r.rule, title: r.title, state: r.state }));
  }

  async liveAlerts(manager: EntityManager, operationId: string): Promise<OperationAlertRecord[]> {
    return (await this.alerts(manager, operationId)).filter((a) => a.state === 'live');
  }

  async alert(manager: EntityManager, alertId: string): Promise<OperationAlertRecord | undefined> {
    const rows = await manager.query<
      { alert_id: string; rule: string; title: string; state: OperationAlertRecord['state'] }[]
    >(
      `SELECT alert_id, rule, title, state FROM ${this.schema}.operation_alert WHERE alert_id = $1`,
      [alertId],
    );
    const [r] = rows;
    return r === undefined
      ? undefined
      : { alertId: r.alert_id, rule: r.rule, title: r.title, state: r.state };
  }

  async markSuperseded(manager: EntityManager, alertId: string, by: string): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.operation_alert
          SET state = 'superseded', superseded_by = $2, closed_at = now()
        WHERE alert_id = $1`,
      [alertId, by],
    );
  }

  async markCancelled(manager: EntityManager, alertId: string): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.operation_alert SET state = 'cancelled', closed_at = now()
        WHERE alert_id = $1`,
      [alertId],
    );
  }
}
