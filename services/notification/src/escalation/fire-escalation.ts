import { randomUUID } from 'node:crypto';
import type { AlertEscalated, AlertRequested, OrganisationKind } from '@harbour/contracts';
import { topicFor } from '@harbour/contracts';
import type { Kickable, Outbox } from '@harbour/messaging';
import { quoteIdentifier, schemaOf, type Logger } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { AlertState } from '../domain/alert-state';
import { PAN_LONDON } from '../domain/audience';
import { purposeOf, withheldNote } from '../domain/purpose';
import { deliveryMessageId } from '../domain/delivery';
import { type EscalationClock, nextTimer } from '../domain/escalation-plan';
import {
  type EscalationLevel,
  type EscalationPolicy,
  defaultEscalationPolicy,
  readEscalationPolicy,
} from '../domain/escalation-policy';
import { queryRows } from '@harbour/platform';
import type { EscalationTarget, EscalationTargets } from './escalation-targets';
import type { EscalationTimer, EscalationTimers } from './escalation-timers';

export const ALERT_ESCALATED = 'harbour.alert.escalated';

/** What firing one timer came to. */
export type EscalationOutcome =
  | { kind: 'escalated'; deliveries: number; fallback: boolean; nextDueAt: Date | null }
  | { kind: 'cancelled'; reason: string }
  | { kind: 'not-pending' };

export interface FireEscalationOptions {
  dataSource: DataSource;
  timers: EscalationTimers;
  targets: EscalationTargets;
  outbox: Outbox;
  relay: Kickable;
  /** Queues the escalation deliveries at once (the delivery dispatcher). */
  dispatcher: Kickable;
  /** Arms the next timer at once (the escalation sweep). */
  armTimers: Kickable;
  logger: Logger;
  clock?: EscalationClock;
}

interface AlertStateRow {
  state: AlertState;
  cause: AlertRequested['cause'];
  acknowledged_at: Date | null;
  escalation_policy: unknown;
  audience: AlertRequested['audience'];
  severity: AlertRequested['severity'];
  acknowledge_within_minutes: number;
}

/**
 * Fires one escalation timer, exactly once. In one transaction: claim the timer (pending →
 * fired; a concurrent worker or sweep claims nothing), and unless a human acknowledged the alert
 * or it was closed or superseded (then the timer ends cancelled), add one escalation delivery per target
 * contact, record `harbour.alert.escalated`, and insert the next timer. Only acknowledgement
 * stops it: deliveries being sent or accepted do not. Targets are limited to organisations that
 * may receive the alert's purpose (`EscalationTargets`). After commit the deliveries, the event
 * and the next timer are handed on at once.
 */
export class FireEscalation {
  private readonly alerts: string;
  private readonly deliveryTable: string;
  private readonly timerTable: string;

  constructor(private readonly options: FireEscalationOptions) {
    const schema = quoteIdentifier(schemaOf(options.dataSource) ?? 'public');
    this.alerts = `${schema}.alert`;
    this.deliveryTable = `${schema}.delivery`;
    this.timerTable = `${schema}.escalation_timer`;
  }

  async execute(timerId: string): Promise<EscalationOutcome> {
    const { logger } = this.options;
    const { outcome, timer } = await this.options.dataSource.transaction(async (manager) => {
      // The alert first, then its timer: the order acknowledging, closing and superseding lock
      // them in, so firing never deadlocks with them. FOR SHARE: one of them committing now
      // waits for us, or we wait for it and see what it did.
      const alert = await this.lockAlertOf(manager, timerId);
      const claimed = await this.options.timers.claim(manager, timerId);
      if (claimed === null) return { outcome: { kind: 'not-pending' } as const, timer: null };
      return { outcome: await this.fire(manager, claimed, alert), timer: claimed };
    });
    if (timer === null) return outcome;
    const about = { alertId: timer.alertId, timerId, level: timer.level + 1, round: timer.loop };
    if (outcome.kind === 'escalated') {
      await Promise.all([
        this.options.dispatcher.kick(),
        this.options.relay.kick(),
        this.options.armTimers.kick(),
      ]);
      logger.warn(
        {
          ...about,
          deliveries: outcome.deliveries,
          fallback: outcome.fallback,
          nextDueAt: outcome.nextDueAt?.toISOString() ?? null,
        },
        'alert not acknowledged: escalated',
      );
    } else if (outcome.kind === 'cancelled') {
      logger.info({ ...about, reason: outcome.reason }, 'escalation timer cancelled');
    }
    return outcome;
  }

  /** The timer's alert, share-locked until the transaction ends; undefined when there is none. */
  private async lockAlertOf(
    manager: EntityManager,
    timerId: string,
  ): Promise<AlertStateRow | undefined> {
    const rows = await queryRows<AlertStateRow>(
      manager,
      `SELECT state, cause, acknowledged_at, escalation_policy, audience, severity,
              acknowledge_within_minutes
         FROM ${this.alerts}
        WHERE id = (SELECT alert_id FROM ${this.timerTable} WHERE id = $1)
          FOR SHARE`,
      [timerId],
    );
    return rows[0];
  }

  private async fire(
    manager: EntityManager,
    timer: EscalationTimer,
    alert: AlertStateRow | undefined,
  ): Promise<EscalationOutcome> {
    if (alert === undefined) return this.cancel(manager, timer, 'alert not found');
    if (alert.state !== 'open' || alert.acknowledged_at !== null) {
      return this.cancel(manager, timer, `alert ${alert.state}`);
    }
    const policy = this.policyOf(alert);
    const level = policy?.levels[timer.level];
    if (policy === null || level === undefined || timer.loop > policy.repeat) {
      this.options.logger.error(
        { alertId: timer.alertId, timerId: timer.id },
        'escalation timer is outside the alert policy',
      );
      return this.cancel(manager, timer, 'outside the policy');
    }

    const purpose = purposeOf(alert);
    const { targets, fallback, withheldOrganisationIds } = await this.options.targets.resolve(
      manager,
      { id: timer.alertId, audience: alert.audience, purpose },
      level,
      timer,
    );
    if (withheldOrganisationIds.length > 0) {
      // Ids only: a coordinator reading the log sees the level was withheld, not lost.
      this.options.logger.warn(
        {
          alertId: timer.alertId,
          level: timer.level + 1,
          round: timer.loop,
          purpose,
          organisationIds: withheldOrganisationIds,
        },
        withheldNote(purpose),
      );
    }
    const deliveries = await this.addDeliveries(manager, timer, targets);
    if (targets.length === 0) {
      this.options.logger.error(
        { alertId: timer.alertId, level: timer.level + 1, round: timer.loop },
        'escalation reaches nobody, not even a coordinator',
      );
    }
    const firedAt = timer.firedAt ?? new Date();
    const escalated: AlertEscalated = {
      alertId: timer.alertId,
      level: timer.level + 1,
      round: timer.loop,
      escalatedAt: firedAt.toISOString(),
      audience: escalatedAudience(level, alert.audience, targets, fallback),
    };
    await this.options.outbox.add(manager, {
      topic: topicFor(ALERT_ESCALATED),
      key: timer.alertId,
      subject: timer.alertId,
      type: ALERT_ESCALATED,
      data: escalated,
    });
    const next = nextTimer(policy, timer, firedAt, this.options.clock);
    if (next !== null) await this.options.timers.insert(manager, timer.alertId, next);
    return { kind: 'escalated', deliveries, fallback, nextDueAt: next?.dueAt ?? null };
  }

  private policyOf(alert: AlertStateRow): EscalationPolicy | null {
    // An alert recorded without a snapshot escalates by what its request would have planned.
    return (
      readEscalationPolicy(alert.escalation_policy) ??
      defaultEscalationPolicy(alert.severity, alert.acknowledge_within_minutes)
    );
  }

  private async cancel(
    manager: EntityManager,
    timer: EscalationTimer,
    reason: string,
  ): Promise<EscalationOutcome> {
    await this.options.timers.markCancelled(manager, timer.id);
    return { kind: 'cancelled', reason };
  }

  /** One pending escalation delivery per target; the unique index makes a repeat a no-op. */
  private async addDeliveries(
    manager: EntityManager,
    timer: EscalationTimer,
    targets: EscalationTarget[],
  ): Promise<number> {
    let added = 0;
    for (const target of targets) {
      const id = randomUUID();
      const rows = await queryRows<{ id: string }>(
        manager,
        `INSERT INTO ${this.deliveryTable}
           (id, alert_id, organisation_id, contact_id, channel, address, status, message_id,
            matched_rule, purpose, escalation_level, escalation_loop)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, 'escalation', $9, $10)
         ON CONFLICT DO NOTHING
         RETURNING id`,
        [
          id,
          timer.alertId,
          target.organisationId,
          target.contactId,
          target.channel,
          target.address,
          // A webhook's id is `msg_<id>`, as for every other delivery it is sent.
          deliveryMessageId(id, target.channel === 'webhook' ? 'webhook' : 'email'),
          target.rule,
          timer.level + 1,
          timer.loop,
        ],
      );
      added += rows.length;
    }
    return added;
  }
}

/**
 * Who the escalation went to, as `harbour.alert.escalated` describes it: the kinds of the
 * organisations reached (or the level's roles when none was), and the level's borough scope.
 */
function escalatedAudience(
  level: EscalationLevel,
  alertAudience: AlertRequested['audience'],
  targets: EscalationTarget[],
  fallback: boolean,
): AlertEscalated['audience'] {
  if (fallback) return { roles: ['coordinator'], boroughs: [PAN_LONDON] };
  const reached = [...new Set(targets.map((t) => t.organisationKind))];
  const intended: OrganisationKind[] =
    level.roles !== undefined && level.roles.length > 0 ? level.roles : alertAudience.roles;
  const roles = reached.length > 0 ? reached : intended;
  const boroughs = level.boroughs ?? alertAudience.boroughs;
  return { roles, boroughs };
}
