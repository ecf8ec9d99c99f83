import { randomUUID } from 'node:crypto';
import { queryRows, quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';

export type ScheduledActionKind = 'operational_release' | 'displacement_watch';

export interface NewScheduledAction {
  operationId: string;
  kind: ScheduledActionKind;
  /** The alert an operational release goes to; a displacement watch gets its alert when it fires. */
  alertId?: string;
  /** The rule the action carries out (the alert's rule for a release). */
  rule: string;
  /** The event that scheduled it: the cause of any alert it raises. */
  causeEventId: string;
  revision: number;
  dueAt: Date;
}

export interface ScheduledAction extends NewScheduledAction {
  id: string;
}

interface ActionRow {
  id: string;
  operation_id: string;
  kind: ScheduledActionKind;
  alert_id: string | null;
  rule: string;
  cause_event_id: string;
  revision: number;
  due_at: Date;
}

function actionOf(row: ActionRow): ScheduledAction {
  return {
    id: row.id,
    operationId: row.operation_id,
    kind: row.kind,
    ...(row.alert_id !== null ? { alertId: row.alert_id } : {}),
    rule: row.rule,
    causeEventId: row.cause_event_id,
    revision: row.revision,
    dueAt: row.due_at,
  };
}

const COLUMNS =
  't.id, t.operation_id, t.kind, t.alert_id, t.rule, t.cause_event_id, t.revision, t.due_at';

/**
 * The timer table: a row per action due at a time, fired at most once (`fired_at`) or cancelled
 * (`cancelled_at`). Rows are written in the transaction of the change that schedules them, so a
 * timer exists exactly when the plan that needs it committed.
 */
export class ScheduledActionStore {
  private readonly schema: string;

  constructor(schema: string) {
    this.schema = quoteIdentifier(schema);
  }

  async schedule(manager: EntityManager, action: NewScheduledAction): Promise<string> {
    const id = randomUUID();
    await manager.query(
      `INSERT INTO ${this.schema}.scheduled_action
         (id, operation_id, kind, alert_id, rule, cause_event_id, revision, due_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        id,
        action.operationId,
        action.kind,
        action.alertId ?? null,
        action.rule,
        action.causeEventId,
        action.revision,
        action.dueAt.toISOString(),
      ],
    );
    return id;
  }

  /**
   * Cancels the operation's pending actions of `kind` (all kinds when absent), only those for
   * `alertIds` when given. Returns how many were pending.
   */
  async cancelPending(
    manager: EntityManager,
    operationId: string,
    filter: { kind?: ScheduledActionKind; alertIds?: readonly string[] } = {},
  ): Promise<number> {
    if (filter.alertIds !== undefined && filter.alertIds.length === 0) return 0;
    const rows = await queryRows<{ id: string }>(
      manager,
      `UPDATE ${this.schema}.scheduled_action SET cancelled_at = now()
        WHERE operation_id = $1 AND fired_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL
          AND ($2::text IS NULL OR kind = $2)
          AND ($3::uuid[] IS NULL OR alert_id = ANY($3::uuid[]))
       RETURNING id`,
      [operationId, filter.kind ?? null, filter.alertIds ?? null],
    );
    return rows.length;
  }

  /**
   * Claims the next due action, locking it and its operation, or none. `SKIP LOCKED` on both:
   * another instance's claim, or a consumer changing the operation right now, makes the poller
   * pass the row by instead of waiting (and never deadlock with the consumer, which locks the
   * operation first); it is claimed again on a later tick if still due.
   */
  async claimNextDue(manager: EntityManager): Promise<ScheduledAction | undefined> {
    const rows = await manager.query<ActionRow[]>(
      `SELECT ${COLUMNS}
         FROM ${this.schema}.scheduled_action t
         JOIN ${this.schema}.operation o ON o.operation_id = t.operation_id
        WHERE t.fired_at IS NULL AND t.cancelled_at IS NULL AND t.failed_at IS NULL
          AND t.due_at <= now()
        ORDER BY t.due_at, t.id
        LIMIT 1
        FOR UPDATE OF t, o SKIP LOCKED`,
    );
    const [row] = rows;
    return row === undefined ? undefined : actionOf(row);
  }

  /** Marks a claimed action fired; a displacement watch records the alert it raised. */
  async markFired(manager: EntityManager, id: string, alertId?: string): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.scheduled_action
          SET fired_at = now(), alert_id = COALESCE($2, alert_id)
        WHERE id = $1`,
      [id, alertId ?? null],
    );
  }

  /**
   * Counts a failed attempt: the action is retried after a back-off (the actions due after it go
   * first), or set aside (`failed_at`) after `maxAttempts`. Returns whether it was set aside.
   */
  async recordFailure(
    manager: EntityManager,
    id: string,
    error: string,
    maxAttempts: number,
  ): Promise<boolean> {
    const rows = await queryRows<{ failed: boolean }>(
      manager,
      `UPDATE ${this.schema}.scheduled_action
          SET attempts = attempts + 1,
              last_error = left($2, 500),
              due_at = now() + make_interval(secs => power(2, attempts + 1)),
              failed_at = CASE WHEN attempts + 1 >= $3 THEN now() END
        WHERE id = $1 AND fired_at IS NULL AND cancelled_at IS NULL
       RETURNING failed_at IS NOT NULL AS failed`,
      [id, error, maxAttempts],
    );
    return rows[0]?.failed === true;
  }

  /** The operation's actions neither fired nor cancelled, soonest first. */
  async pending(manager: EntityManager, operationId: string): Promise<ScheduledAction[]> {
    const rows = await manager.query<ActionRow[]>(
      `SELECT ${COLUMNS} FROM ${this.schema}.scheduled_action t
        WHERE t.operation_id = $1 AND t.fired_at IS NULL AND t.cancelled_at IS NULL
          AND t.failed_at IS NULL
        ORDER BY t.due_at, t.id`,
      [operationId],
    );
    return rows.map(actionOf);
  }
}
