import type { OrganisationKind } from '@harbour/contracts';
import type { EntityManager } from 'typeorm';
import type { AlertCause, AlertPublisher } from '../alerts/alert-publisher';
import type { AlertDecision } from '../domain/alert-decision';
import type { OperationState } from '../domain/operation-notice';
import { operationalReleaseDueAt } from '../domain/operation-release';
import type { OperationRulesConfig, PlannedOperationAlert } from '../domain/operation-rules';
import type { ScheduledActionStore } from '../scheduling/scheduled-action-store';
import type { OperationStore } from './operation-store';

/** The operation rules' settings plus who may see the operational detail. */
export interface OperationSettings extends OperationRulesConfig {
  /** Organisation kinds the operational detail (address, exact time) is released to. */
  vettedKinds: OrganisationKind[];
}

/**
 * Raises, supersedes and closes an operation's alerts, keeping `operation_alert` and the timers
 * in step — always inside the caller's transaction (the consumer's or the timer poller's).
 */
export class OperationAlerts {
  constructor(
    private readonly operations: OperationStore,
    private readonly timers: ScheduledActionStore,
    private readonly alerts: AlertPublisher,
    private readonly settings: OperationSettings,
  ) {}

  /** Every operation alert names the planner as the owner of its cause. */
  causeOf(state: OperationState, eventId: string): AlertCause {
    return {
      kind: 'operation',
      id: state.operationId,
      eventId,
      ownerOrganisationId: state.planner.organisationId,
    };
  }

  /**
   * Requests the alert (superseding `supersedes` when given), records it live and, when its rule
   * releases the operational detail, schedules that release (due at once if already late).
   */
  async raise(
    manager: EntityManager,
    state: OperationState,
    revision: number,
    planned: PlannedOperationAlert,
    eventId: string,
    supersedes?: string,
  ): Promise<string> {
    const alertId = await this.request(manager, state, planned.decision, eventId, supersedes);
    if (supersedes !== undefined) {
      await this.operations.markSuperseded(manager, supersedes, alertId);
      await this.timers.cancelPending(manager, state.operationId, { alertIds: [supersedes] });
    }
    await this.operations.addAlert(manager, state.operationId, {
      alertId,
      rule: planned.rule,
      title: planned.decision.title,
    });
    if (planned.operationalRelease) {
      await this.timers.schedule(manager, {
        operationId: state.operationId,
        kind: 'operational_release',
        alertId,
        rule: planned.rule,
        causeEventId: eventId,
        revision,
        dueAt: operationalReleaseDueAt(state.startsAt, this.settings.releaseLeadMinutes),
      });
    }
    return alertId;
  }

  /** Requests an alert no rule of the plan supersedes or releases to (e.g. an outcome). */
  async request(
    manager: EntityManager,
    state: OperationState,
    decision: AlertDecision,
    eventId: string,
    supersedes?: string,
  ): Promise<string> {
    return this.alerts.request(
      manager,
      this.causeOf(state, eventId),
      decision,
      supersedes === undefined ? {} : { supersedes },
    );
  }

  /** A rule that fires at the start (the displacement watch): a timer, not an alert yet. */
  async scheduleAtStart(
    manager: EntityManager,
    state: OperationState,
    revision: number,
    planned: PlannedOperationAlert,
    eventId: string,
  ): Promise<void> {
    await this.timers.schedule(manager, {
      operationId: state.operationId,
      kind: 'displacement_watch',
      rule: planned.rule,
      causeEventId: eventId,
      revision,
      dueAt: new Date(state.startsAt),
    });
  }

  /** Closes a live alert (recipients are told `reason`) and cancels its pending release. */
  async close(
    manager: EntityManager,
    operationId: string,
    alertId: string,
    reason: string,
  ): Promise<void> {
    await this.alerts.cancel(manager, alertId, reason);
    await this.operations.markCancelled(manager, alertId);
    await this.timers.cancelPending(manager, operationId, { alertIds: [alertId] });
  }
}
