import { randomUUID } from 'node:crypto';
import {
  type AlertCancelled,
  type AlertRequested,
  type AlertStageReleased,
  topicFor,
} from '@harbour/contracts';
import type { Outbox } from '@harbour/messaging';
import { quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { AlertDecision, StageRelease } from '../domain/alert-decision';

export const ALERT_REQUESTED = 'harbour.alert.requested';
export const ALERT_CANCELLED = 'harbour.alert.cancelled';
export const ALERT_STAGE_RELEASED = 'harbour.alert.stage-released';

/** What led to an alert: the intake record and the event about it. */
export interface AlertCause {
  kind: 'missing_episode' | 'referral' | 'operation' | 'bed_request';
  id: string;
  eventId: string;
  /**
   * The organisation that raised the cause (an operation's planner, a bed request's requester): it
   * may follow the alert.
   */
  ownerOrganisationId?: string;
}

/**
 * Turns safeguarding's decisions into alert events, through the outbox of the caller's
 * transaction (the consumer's): the decision row and its events commit with the state change or
 * not at all. Every event of one alert is keyed by the alert id, so they stay in order.
 */
export class AlertPublisher {
  private readonly schema: string;

  constructor(
    schema: string,
    private readonly outbox: Outbox,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.schema = quoteIdentifier(schema);
  }

  /** Records the decision with its rule and requests the alert; returns the new alert id. */
  async request(
    manager: EntityManager,
    cause: AlertCause,
    decision: AlertDecision,
    options: { supersedes?: string } = {},
  ): Promise<string> {
    const alertId = randomUUID();
    await manager.query(
      `INSERT INTO ${this.schema}.alert_decision
         (alert_id, cause_kind, cause_id, cause_event_id, severity, rule, audience,
          acknowledge_within_minutes, owner_organisation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        alertId,
        cause.kind,
        cause.id,
        cause.eventId,
        decision.severity,
        decision.rule,
        JSON.stringify(decision.audience),
        decision.acknowledgeWithinMinutes,
        cause.ownerOrganisationId ?? null,
      ],
    );
    await this.outbox.add(manager, {
      topic: topicFor(ALERT_REQUESTED),
      key: alertId,
      type: ALERT_REQUESTED,
      subject: alertId,
      data: {
        alertId,
        cause,
        severity: decision.severity,
        acknowledgeWithinMinutes: decision.acknowledgeWithinMinutes,
        audience: decision.audience,
        disclosure: { level: decision.disclosure },
        summary: { title: decision.title, lines: decision.lines },
        ...(decision.escalationPolicy !== undefined
          ? { escalationPolicy: decision.escalationPolicy }
          : {}),
        requestedAt: this.clock().toISOString(),
        ...(options.supersedes !== undefined ? { supersedes: options.supersedes } : {}),
      } satisfies AlertRequested,
    });
    return alertId;
  }

  /** Releases a further disclosure stage of an alert already requested. */
  async releaseStage(manager: EntityManager, alertId: string, stage: StageRelease): Promise<void> {
    await this.outbox.add(manager, {
      topic: topicFor(ALERT_STAGE_RELEASED),
      key: alertId,
      type: ALERT_STAGE_RELEASED,
      subject: alertId,
      data: {
        alertId,
        disclosure: { level: stage.level },
        summary: { title: stage.title, lines: stage.lines },
        releasedAt: this.clock().toISOString(),
        reason: stage.reason,
        ...(stage.roles !== undefined ? { roles: stage.roles } : {}),
      } satisfies AlertStageReleased,
    });
  }

  /** Closes an alert: notification stops its escalation and tells its recipients `reason`. */
  async cancel(manager: EntityManager, alertId: string, reason: string): Promise<void> {
    await this.outbox.add(manager, {
      topic: topicFor(ALERT_CANCELLED),
      key: alertId,
      type: ALERT_CANCELLED,
      subject: alertId,
      data: {
        alertId,
        cancelledAt: this.clock().toISOString(),
        reason,
      } satisfies AlertCancelled,
    });
  }
}
