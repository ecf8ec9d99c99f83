import { randomUUID } from 'node:crypto';
import type { AlertRequested } from '@harbour/contracts';
import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type EscalationClock,
  type EscalationPlan,
  planEscalation,
  type PlannedTimer,
} from '../domain/escalation-plan';
import { queryRows } from '@harbour/platform';
import type { StatementParameters } from '../infrastructure/statement-parameters';

export type EscalationTimerState = 'pending' | 'fired' | 'cancelled';

/** One escalation step of one alert, due at a time. The row is the truth; queue jobs only point at it. */
export interface EscalationTimer extends PlannedTimer {
  id: string;
  alertId: string;
  state: EscalationTimerState;
  enqueuedAt: Date | null;
  firedAt: Date | null;
}

/** A pending timer, as the queue needs it. */
export interface ArmableTimer {
  id: string;
  dueAt: Date;
}

interface TimerRow {
  id: string;
  alert_id: string;
  level: number;
  loop: number;
  due_at: Date;
  state: EscalationTimerState;
  enqueued_at: Date | null;
  fired_at: Date | null;
}

const COLUMNS = 'id, alert_id, level, loop, due_at, state, enqueued_at, fired_at';

/**
 * The `escalation_timer` table. Timers are inserted in the transaction that records the alert
 * (or fires the previous timer), and fired at most once: `claim` moves a timer out of `pending`
 * in the firing transaction, so a second worker or sweep finds nothing to claim.
 */
export class EscalationTimers {
  private readonly table: string;
  private readonly alerts: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: EscalationClock = {},
  ) {
    const schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
    this.table = `${schema}.escalation_timer`;
    this.alerts = `${schema}.alert`;
  }

  /**
   * Plans the alert's escalation (its snapshot policy, or its severity's default) and schedules
   * it, in the caller's transaction. Call right after the alert row is inserted.
   */
  async planAndSchedule(
    manager: EntityManager,
    alert: AlertRequested,
    now: Date = new Date(),
  ): Promise<EscalationPlan> {
    const plan = planEscalation(alert, now, this.clock);
    await this.schedule(manager, alert.alertId, plan);
    return plan;
  }

  /** The alert's escalation (its snapshot policy, or its severity's default), planned from `now`. */
  plan(alert: AlertRequested, now: Date = new Date()): EscalationPlan {
    return planEscalation(alert, now, this.clock);
  }

  /**
   * `schedule`'s timer inserts as a CTE `<name>` of the statement that records the alert (which
   * snapshots the plan's policy itself): the plan's timers, pending, inserted only `when` (a
   * condition on the statement's other CTEs) holds; one already there for the same (level, loop)
   * is left alone. `<name>` holds the ids inserted.
   */
  timersInsert(
    alertId: string,
    plan: EscalationPlan,
    parameters: StatementParameters,
    name: string,
    when: string,
  ): string {
    const timers = plan.timers;
    return `${name} AS (
         INSERT INTO ${this.table} (id, alert_id, level, loop, due_at, state)
         SELECT t.id, ${parameters.add(alertId, 'uuid')}, t.level, t.loop, t.due_at, 'pending'
           FROM unnest(${parameters.add(
             timers.map(() => randomUUID()),
             'uuid[]',
           )}, ${parameters.add(
             timers.map((timer) => timer.level),
             'int[]',
           )}, ${parameters.add(
             timers.map((timer) => timer.loop),
             'int[]',
           )}, ${parameters.add(
             timers.map((timer) => timer.dueAt),
             'timestamptz[]',
           )}) AS t (id, level, loop, due_at)
          WHERE ${when}
         ON CONFLICT (alert_id, level, loop) DO NOTHING
         RETURNING id
       )`;
  }

  /**
   * Snapshots the policy used onto the alert (`alert.escalation_policy`; left as it is when the
   * alert does not escalate) and inserts the plan's timers. Returns the ids of the timers added;
   * a timer already there for the same (level, loop) is left alone.
   */
  async schedule(manager: EntityManager, alertId: string, plan: EscalationPlan): Promise<string[]> {
    if (plan.policy !== null) {
      await manager.query(`UPDATE ${this.alerts} SET escalation_policy = $2::jsonb WHERE id = $1`, [
        alertId,
        JSON.stringify(plan.policy),
      ]);
    }
    const ids: string[] = [];
    for (const timer of plan.timers) {
      const id = await this.insert(manager, alertId, timer);
      if (id !== null) ids.push(id);
    }
    return ids;
  }

  /** Inserts one pending timer; null when the alert already has one for this (level, loop). */
  async insert(
    manager: EntityManager,
    alertId: string,
    timer: PlannedTimer,
  ): Promise<string | null> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO ${this.table} (id, alert_id, level, loop, due_at, state)
       VALUES ($1, $2, $3, $4, $5, 'pending')
       ON CONFLICT (alert_id, level, loop) DO NOTHING
       RETURNING id`,
      [randomUUID(), alertId, timer.level, timer.loop, timer.dueAt],
    );
    return rows[0]?.id ?? null;
  }

  /** Pending → fired, now. Null when the timer is not pending: someone else fired or cancelled it. */
  async claim(manager: EntityManager, timerId: string): Promise<EscalationTimer | null> {
    const rows = await queryRows<TimerRow>(
      manager,
      `UPDATE ${this.table} SET state = 'fired', fired_at = now()
        WHERE id = $1 AND state = 'pending'
        RETURNING ${COLUMNS}`,
      [timerId],
    );
    const row = rows[0];
    return row === undefined ? null : toTimer(row);
  }

  /** A claimed timer whose alert no longer needs escalating: it ends cancelled. */
  async markCancelled(manager: EntityManager, timerId: string): Promise<void> {
    await manager.query(`UPDATE ${this.table} SET state = 'cancelled' WHERE id = $1`, [timerId]);
  }

  /**
   * Cancels the alert's pending timers (for whoever settles an alert: acknowledgement,
   * cancellation). Optional: a timer of a settled alert also ends cancelled when it fires.
   */
  async cancelPending(manager: EntityManager, alertId: string): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `UPDATE ${this.table} SET state = 'cancelled'
        WHERE alert_id = $1 AND state = 'pending'
        RETURNING id`,
      [alertId],
    );
    return rows.length;
  }

  /**
   * Makes the alert's pending escalation due now (a delivery failed for good: someone else must
   * be reached without waiting). The sweep fires it as overdue; its delayed job, when it comes,
   * finds it no longer pending. Returns how many timers moved.
   */
  async bringForward(manager: EntityManager, alertId: string, now: Date): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `UPDATE ${this.table} SET due_at = $2
        WHERE alert_id = $1 AND state = 'pending' AND due_at > $2
        RETURNING id`,
      [alertId, now],
    );
    return rows.length;
  }

  async find(
    timerId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<EscalationTimer | null> {
    const rows = await queryRows<TimerRow>(
      manager,
      `SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1`,
      [timerId],
    );
    const row = rows[0];
    return row === undefined ? null : toTimer(row);
  }

  /** Every timer of an alert, in firing order. */
  async ofAlert(
    alertId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<EscalationTimer[]> {
    const rows = await queryRows<TimerRow>(
      manager,
      `SELECT ${COLUMNS} FROM ${this.table} WHERE alert_id = $1 ORDER BY loop, level`,
      [alertId],
    );
    return rows.map(toTimer);
  }

  /** Pending timers due at or before `before`, earliest first. */
  async overdue(before: Date, limit: number): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource.manager,
      `SELECT id FROM ${this.table}
        WHERE state = 'pending' AND due_at <= $1
        ORDER BY due_at, id
        LIMIT $2`,
      [before, limit],
    );
    return rows.map((row) => row.id);
  }

  /** Pending timers never handed to the queue (new ones, or a crash between commit and enqueue). */
  async unarmed(limit: number): Promise<ArmableTimer[]> {
    return this.armable(`enqueued_at IS NULL`, [], limit);
  }

  /** Pending timers whose job was last seen before `before`: their job may have been lost. */
  async armedBefore(before: Date, limit: number): Promise<ArmableTimer[]> {
    return this.armable(`enqueued_at < $2`, [before], limit);
  }

  /** Notes that these timers have a live queue job as of now. */
  async markArmed(timerIds: readonly string[]): Promise<void> {
    if (timerIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE ${this.table} SET enqueued_at = now()
        WHERE id = ANY($1::uuid[]) AND state = 'pending'`,
      [[...timerIds]],
    );
  }

  /**
   * Cancelled timers whose queue job may still exist (they were queued): the sweep removes the
   * jobs. A job left behind would only fire into nothing, but it would linger in Redis until then.
   */
  async disarmable(limit: number): Promise<ArmableTimer[]> {
    const rows = await queryRows<{ id: string; due_at: Date }>(
      this.dataSource.manager,
      `SELECT id, due_at FROM ${this.table}
        WHERE state = 'cancelled' AND enqueued_at IS NOT NULL
        ORDER BY id
        LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ id: row.id, dueAt: row.due_at }));
  }

  /** Notes that these cancelled timers' jobs are gone. */
  async markDisarmed(timerIds: readonly string[]): Promise<void> {
    if (timerIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE ${this.table} SET enqueued_at = NULL
        WHERE id = ANY($1::uuid[]) AND state = 'cancelled'`,
      [[...timerIds]],
    );
  }

  private async armable(
    condition: string,
    parameters: unknown[],
    limit: number,
  ): Promise<ArmableTimer[]> {
    const rows = await queryRows<{ id: string; due_at: Date }>(
      this.dataSource.manager,
      `SELECT id, due_at FROM ${this.table}
        WHERE state = 'pending' AND ${condition}
        ORDER BY due_at, id
        LIMIT $1`,
      [limit, ...parameters],
    );
    return rows.map((row) => ({ id: row.id, dueAt: row.due_at }));
  }
}

function toTimer(row: TimerRow): EscalationTimer {
  return {
    id: row.id,
    alertId: row.alert_id,
    level: row.level,
    loop: row.loop,
    dueAt: row.due_at,
    state: row.state,
    enqueuedAt: row.enqueued_at,
    firedAt: row.fired_at,
  };
}
