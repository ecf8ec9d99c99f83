import type { AlertRequested } from '@harbour/contracts';
import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { acknowledgeBy } from '../domain/acknowledge-by';
import type { AlertState } from '../domain/alert-state';
import { queryRows } from '@harbour/platform';
import type { EscalationPolicy } from '../domain/escalation-policy';
import { StatementParameters } from '../infrastructure/statement-parameters';

/** An alert as recorded: the request, plus its state, deadline and how it ended (if it did). */
export interface RecordedAlert {
  request: AlertRequested;
  state: AlertState;
  acknowledgeBy: Date;
  createdAt: Date;
  acknowledgedAt: Date | null;
  /** Set once it is closed, with the reason shown to its recipients. */
  closedAt: Date | null;
  closureReason: string | null;
  /** Set once a newer alert replaced it; kept when it is closed later. */
  supersededBy: string | null;
  supersededAt: Date | null;
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
  state: AlertState;
  created_at: Date;
  acknowledged_at: Date | null;
  closed_at: Date | null;
  closure_reason: string | null;
  supersedes: string | null;
  superseded_by: string | null;
  superseded_at: Date | null;
}

export const ALERT_COLUMNS =
  'id, cause, severity, acknowledge_within_minutes, requested_at, acknowledge_by, disclosure_level, summary, audience, escalation_policy, state, created_at, acknowledged_at, closed_at, closure_reason, supersedes, superseded_by, superseded_at';

/** What recording an alert with what it brings did (`AlertRepository.recordOpening`). */
export type AlertOpening =
  | { recorded: false }
  | {
      recorded: true;
      /** The recorded alert that already superseded it: it was recorded superseded. */
      supersededBy: { id: string; requestedAt: Date } | null;
      /** The ids the effects' `ids` CTE returned (none when superseded). */
      effectIds: string[];
    };

/** Alerts the notification service was asked to deliver, as safeguarding requested them. */
/** Seeds the hash of the advisory locks of supersession, apart from other advisory locks. */
const SUPERSESSION_LOCK_SEED = 7_301_911;

export class AlertRepository {
  private readonly table: string;

  constructor(dataSource: DataSource) {
    this.table = `${quoteIdentifier(schemaOf(dataSource) ?? 'public')}.alert`;
  }

  /**
   * Records a requested alert, open, with its acknowledge-by time, its escalation policy as it
   * was at request time, the alert it supersedes and the organisation owning its cause (if any). False when an alert with this id
   * is already recorded.
   */
  async record(alert: AlertRequested, manager: EntityManager): Promise<boolean> {
    const inserted = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO ${this.table}
         (id, cause, severity, acknowledge_within_minutes, requested_at, acknowledge_by,
          disclosure_level, summary, audience, escalation_policy, state, supersedes,
          cause_owner_organisation_id)
       VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, 'open', $11, $12)
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
        alert.supersedes ?? null,
        alert.cause.ownerOrganisationId ?? null,
      ],
    );
    return inserted.length > 0;
  }

  /**
   * Records a requested alert and what it brings, in one statement (one round trip in the
   * consumer's transaction): the alert row as `record` writes it, with the escalation `policy`
   * snapshotted onto it, and the `effects` (CTEs from the other repositories: its escalation
   * timers, its deliveries), which take effect only if the alert is recorded open — each gated
   * on the condition they are given. An alert that a recorded alert already supersedes (the two
   * arrived out of order) is recorded superseded by it at once, with the policy it was requested
   * with, and brings nothing. Nothing at all when an alert with this id is already recorded.
   * `effectIds` are the ids in the effects' CTE named `ids` (e.g. the deliveries added).
   */
  /**
   * Holds, until the transaction ends, the lock of each alert id given: an alert's own id, and
   * the one it supersedes. An alert and its successor are keyed apart on the topic and may be
   * handled at the same moment; each would miss the other's uncommitted row and the older would
   * stay open beside the newer. Both take the older's lock, so the second waits for the first to
   * commit and its next statement sees it. Ids are locked in order, so two chains never deadlock.
   */
  async lockSupersession(alertIds: readonly string[], manager: EntityManager): Promise<void> {
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended(id, ${SUPERSESSION_LOCK_SEED}))
         FROM unnest($1::text[]) AS id ORDER BY id`,
      [[...new Set(alertIds)]],
    );
  }

  async recordOpening(
    alert: AlertRequested,
    opening: {
      policy: EscalationPolicy | null;
      effects: (parameters: StatementParameters, whenOpen: string) => string[];
      ids?: string;
    },
    manager: EntityManager,
  ): Promise<AlertOpening> {
    const p = new StatementParameters();
    const id = p.add(alert.alertId, 'uuid');
    const requested =
      alert.escalationPolicy === undefined ? null : JSON.stringify(alert.escalationPolicy);
    const planned = opening.policy === null ? null : JSON.stringify(opening.policy);
    const recording = `successor AS (
         SELECT id, requested_at FROM ${this.table}
          WHERE supersedes = ${id} AND id <> ${id}
          ORDER BY created_at, id LIMIT 1
       ), recorded AS (
         INSERT INTO ${this.table}
           (id, cause, severity, acknowledge_within_minutes, requested_at, acknowledge_by,
            disclosure_level, summary, audience, escalation_policy, state, supersedes,
            cause_owner_organisation_id, superseded_by, superseded_at)
         SELECT ${id}, ${p.add(JSON.stringify(alert.cause), 'jsonb')}, ${p.add(alert.severity, 'text')},
                ${p.add(alert.acknowledgeWithinMinutes, 'int')},
                ${p.add(alert.requestedAt, 'timestamptz')},
                ${p.add(acknowledgeBy(alert.requestedAt, alert.acknowledgeWithinMinutes), 'timestamptz')},
                ${p.add(alert.disclosure.level, 'text')}, ${p.add(JSON.stringify(alert.summary), 'jsonb')},
                ${p.add(JSON.stringify(alert.audience), 'jsonb')},
                CASE WHEN s.id IS NULL THEN ${p.add(planned, 'jsonb')} ELSE ${p.add(requested, 'jsonb')} END,
                CASE WHEN s.id IS NULL THEN 'open' ELSE 'superseded' END,
                ${p.add(alert.supersedes ?? null, 'uuid')},
                ${p.add(alert.cause.ownerOrganisationId ?? null, 'uuid')},
                s.id, s.requested_at
           FROM (VALUES (1)) AS one (n) LEFT JOIN successor s ON true
         ON CONFLICT (id) DO NOTHING
         RETURNING state, superseded_by, superseded_at
       )`;
    const effects = opening.effects(p, `EXISTS (SELECT 1 FROM recorded WHERE state = 'open')`);
    const idsOf =
      opening.ids === undefined
        ? `'{}'::uuid[]`
        : `ARRAY(SELECT id FROM ${quoteIdentifier(opening.ids)})`;
    const rows = await queryRows<{
      state: AlertState;
      superseded_by: string | null;
      superseded_at: Date | null;
      effect_ids: string[];
    }>(
      manager,
      `WITH ${[recording, ...effects].join(', ')}
       SELECT state, superseded_by, superseded_at, ${idsOf} AS effect_ids FROM recorded`,
      p.values,
    );
    const row = rows[0];
    if (row === undefined) return { recorded: false };
    if (row.superseded_by !== null && row.superseded_at !== null) {
      return {
        recorded: true,
        supersededBy: { id: row.superseded_by, requestedAt: row.superseded_at },
        effectIds: [],
      };
    }
    return { recorded: true, supersededBy: null, effectIds: row.effect_ids };
  }

  async find(alertId: string, manager: EntityManager): Promise<RecordedAlert | null> {
    return this.select(alertId, manager, '');
  }

  /** The alert, locked until the transaction ends: closing, superseding and acknowledging never race. */
  async lock(alertId: string, manager: EntityManager): Promise<RecordedAlert | null> {
    return this.select(alertId, manager, 'FOR UPDATE');
  }

  /**
   * Closes the alert (whatever its state but closed), with when and why. False when it was
   * already closed: an alert closes once.
   */
  async close(alertId: string, at: Date, reason: string, manager: EntityManager): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `UPDATE ${this.table} SET state = 'closed', closed_at = $2, closure_reason = $3
        WHERE id = $1 AND state <> 'closed'
        RETURNING id`,
      [alertId, at, reason],
    );
    return rows.length > 0;
  }

  /** Open or acknowledged → superseded by `byAlertId`. False when it was not live any more. */
  async markSuperseded(
    alertId: string,
    byAlertId: string,
    at: Date,
    manager: EntityManager,
  ): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `UPDATE ${this.table} SET state = 'superseded', superseded_by = $2, superseded_at = $3
        WHERE id = $1 AND state IN ('open', 'acknowledged')
        RETURNING id`,
      [alertId, byAlertId, at],
    );
    return rows.length > 0;
  }

  /**
   * The alerts that replaced this one, newest last: its successor, the successor's successor…
   * (a regraded episode can be regraded again).
   */
  async successorChain(alertId: string, manager: EntityManager): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `WITH RECURSIVE chain (id, depth) AS (
         SELECT superseded_by, 1 FROM ${this.table} WHERE id = $1 AND superseded_by IS NOT NULL
         UNION
         SELECT a.superseded_by, c.depth + 1
           FROM ${this.table} a JOIN chain c ON a.id = c.id
          WHERE a.superseded_by IS NOT NULL AND c.depth < 50
       )
       SELECT id FROM chain ORDER BY depth`,
      [alertId],
    );
    return rows.map((row) => row.id);
  }

  private async select(
    alertId: string,
    manager: EntityManager,
    lock: '' | 'FOR UPDATE',
  ): Promise<RecordedAlert | null> {
    const rows = await queryRows<AlertRow>(
      manager,
      `SELECT ${ALERT_COLUMNS} FROM ${this.table} WHERE id = $1 ${lock}`,
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
  if (row.supersedes !== null) request.supersedes = row.supersedes;
  return {
    request,
    state: row.state,
    acknowledgeBy: row.acknowledge_by,
    createdAt: row.created_at,
    acknowledgedAt: row.acknowledged_at,
    closedAt: row.closed_at,
    closureReason: row.closure_reason,
    supersededBy: row.superseded_by,
    supersededAt: row.superseded_at,
  };
}

export type { AlertRow };
