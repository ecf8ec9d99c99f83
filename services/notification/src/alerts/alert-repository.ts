import type { AlertRequested } from '@harbour/contracts';
import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { acknowledgeBy } from '../domain/acknowledge-by';
import { queryRows } from '../infrastructure/query-rows';

/** An alert as recorded: the request, plus its state and deadline. */
export interface RecordedAlert {
  request: AlertRequested;
  state: 'open' | 'acknowledged' | 'cancelled';
  acknowledgeBy: Date;
  createdAt: Date;
}

interface AlertRow {
  id: string;
  cause: AlertRequested['cause'];
  severity: AlertRequested['severity'];
  acknowledge_within_minutes: number;
  requested_at: Date;
  acknowledge_by: Date;
  disclosure_level: AlertRequested['disclosure']['level'];
  summary: AlertRequested['summary'];
  audience: AlertRequested['audience'];
  escalation_policy: AlertRequested['escalationPolicy'] | null;
  state: RecordedAlert['state'];
  created_at: Date;
}

export const ALERT_COLUMNS =
  'id, cause, severity, acknowledge_within_minutes, requested_at, acknowledge_by, disclosure_level, summary, audience, escalation_policy, state, created_at';

/** Alerts the notification service was asked to deliver, as safeguarding requested them. */
export class AlertRepository {
  private readonly table: string;

  constructor(dataSource: DataSource) {
    this.table = `${quoteIdentifier(schemaOf(dataSource) ?? 'public')}.alert`;
  }

  /**
   * Records a requested alert, open, with its acknowledge-by time and its escalation policy as
   * it was at request time. False when an alert with this id is already recorded.
   */
  async record(alert: AlertRequested, manager: EntityManager): Promise<boolean> {
    const inserted = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO ${this.table}
         (id, cause, severity, acknowledge_within_minutes, requested_at, acknowledge_by,
          disclosure_level, summary, audience, escalation_policy, state)
       VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, 'open')
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        alert.alertId,
        JSON.stringify(alert.cause),
        alert.severity,
        alert.acknowledgeWithinMinutes,
        alert.requestedAt,
        acknowledgeBy(alert.requestedAt, alert.acknowledgeWithinMinutes),
        alert.disclosure.level,
        JSON.stringify(alert.summary),
        JSON.stringify(alert.audience),
        alert.escalationPolicy === undefined ? null : JSON.stringify(alert.escalationPolicy),
      ],
    );
    return inserted.length > 0;
  }

  async find(alertId: string, manager: EntityManager): Promise<RecordedAlert | null> {
    const rows = await queryRows<AlertRow>(
      manager,
      `SELECT ${ALERT_COLUMNS} FROM ${this.table} WHERE id = $1`,
      [alertId],
    );
    const row = rows[0];
    return row === undefined ? null : toRecordedAlert(row);
  }
}

export function toRecordedAlert(row: AlertRow): RecordedAlert {
  const request: AlertRequested = {
    alertId: row.id,
    cause: row.cause,
    severity: row.severity,
    acknowledgeWithinMinutes: row.acknowledge_within_minutes,
    audience: row.audience,
    disclosure: { level: row.disclosure_level },
    summary: row.summary,
    requestedAt: row.requested_at.toISOString(),
  };
  if (row.escalation_policy !== null && row.escalation_policy !== undefined) {
    request.escalationPolicy = row.escalation_policy;
  }
  return {
    request,
    state: row.state,
    acknowledgeBy: row.acknowledge_by,
    createdAt: row.created_at,
  };
}

export type { AlertRow };
