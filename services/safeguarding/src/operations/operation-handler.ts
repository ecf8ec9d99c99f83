import type {
  Address,
  OperationCancelled,
  OperationDetails,
  OperationOutcomeRecorded,
  OperationPlanned,
  OperationUpdated,
} from '@harbour/contracts';
import { normaliseAddress, normalisePostcode } from '@harbour/london';
import type { HarbourEvent, Logger } from '@harbour/messaging';
import type { FieldCipher } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { KnownVictimAnswer, KnownVictimQuery } from '../domain/known-victim-query';
import type { OperationState } from '../domain/operation-notice';
import { operationOutcomeAlerts } from '../domain/operation-outcome';
import { assessOperation, prebriefAudience } from '../domain/operation-rules';
import {
  closedByOutcome,
  describeChanges,
  NO_LONGER_NEEDED_REASON,
  operationCancelledReason,
  OUTCOME_RECORDED_REASON,
  planUpdate,
} from '../domain/operation-updates';
import type { KnownVictimIndex } from '../known-victims/known-victim-index';
import type { ScheduledActionStore } from '../scheduling/scheduled-action-store';
import type { OperationAlerts, OperationSettings } from './operation-alerts';
import { type OperationRecord, type OperationStore, stateOf } from './operation-store';

/** Encryption context of an operation's operational detail (authenticated with the ciphertext). */
export const OPERATIONAL_CONTEXT = 'operation.operational';

/** The plan's place as the known-victim index compares it: normalised postcode and address. */
export function placeOf(address: Address): KnownVictimQuery {
  const postcode = normalisePostcode(address.postcode);
  const line = normaliseAddress(
    [address.line1, address.line2].filter((l) => l !== undefined && l !== '').join(', '),
  );
  return {
    ...(postcode !== undefined ? { postcode } : {}),
    ...(line !== undefined ? { address: line } : {}),
  };
}

function stateFrom(
  operationId: string,
  planner: OperationState['planner'],
  operation: OperationDetails,
): OperationState {
  const { operational, ...notice } = operation;
  return { operationId, planner, notice, startsAt: operational.startsAt };
}

/**
 * The operation story, one event at a time inside the consumer's transaction (state, alert
 * decisions, outbox rows and timers commit together; a redelivery is a no-op): planned → the
 * rules' alerts and timers; updated → superseding, cancelled and new alerts, timers moved;
 * cancelled → every live alert closed, timers cancelled; outcome → pre-operation alerts closed
 * and the outcome shared back.
 */
export class OperationHandler {
  constructor(
    private readonly operations: OperationStore,
    private readonly timers: ScheduledActionStore,
    private readonly alerts: OperationAlerts,
    private readonly knownVictims: KnownVictimIndex,
    private readonly cipher: FieldCipher,
    private readonly settings: OperationSettings,
    private readonly logger: Logger,
  ) {}

  async onPlanned(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as OperationPlanned;
    const state = stateFrom(data.operationId, data.plannedBy, data.operation);
    const inserted = await this.operations.insert(manager, {
      operationId: data.operationId,
      plannerOrganisationId: data.plannedBy.organisationId,
      plannerKind: data.plannedBy.organisationKind,
      notice: state.notice,
      startsAt: state.startsAt,
      operationalEncrypted: this.cipher.encryptJson(
        data.operation.operational,
        OPERATIONAL_CONTEXT,
      ),
      plannedAt: data.plannedAt,
      eventId: event.id,
    });
    if (!inserted) {
      this.logger.warn(
        { operationId: data.operationId, eventId: event.id },
        'operation already recorded',
      );
      return;
    }
    const knownVictim = await this.check(manager, data.operation.operational.address);
    const planned = assessOperation(
      state,
      { decidedAt: data.plannedAt, knownVictim },
      this.settings,
    );
    for (const alert of planned) {
      if (alert.firesAt === 'start') {
        await this.alerts.scheduleAtStart(manager, state, 1, alert, event.id);
      } else {
        await this.alerts.raise(manager, state, 1, alert, event.id);
      }
    }
    this.logger.info(
      {
        operationId: data.operationId,
        rules: planned.map((p) => p.rule),
        knownVictimMatch: knownVictim.match,
      },
      'operation planned; alerts requested',
    );
  }

  async onUpdated(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as OperationUpdated;
    const operation = await this.openOperation(manager, data.operationId, event);
    if (operation === undefined) return;
    if (data.revision <= operation.revision) {
      this.logger.warn(
        { operationId: data.operationId, revision: data.revision, stored: operation.revision },
        'operation update not newer than the stored revision; ignored',
      );
      return;
    }
    const before = stateOf(operation);
    const after = stateFrom(data.operationId, before.planner, data.operation);
    await this.operations.revise(manager, data.operationId, {
      revision: data.revision,
      notice: after.notice,
      startsAt: after.startsAt,
      operationalEncrypted: this.cipher.encryptJson(
        data.operation.operational,
        OPERATIONAL_CONTEXT,
      ),
      eventId: event.id,
    });
    const knownVictim = await this.check(manager, data.operation.operational.address);
    const next = assessOperation(after, { decidedAt: data.updatedAt, knownVictim }, this.settings);
    const live = await this.operations.liveAlerts(manager, data.operationId);
    const plan = planUpdate(live, next, describeChanges(data.changes, before, after));

    // Watches not yet fired are scheduled again below, at the new start (or not at all).
    await this.timers.cancelPending(manager, data.operationId, { kind: 'displacement_watch' });
    for (const { current, next: update } of plan.supersede) {
      await this.alerts.raise(manager, after, data.revision, update, event.id, current.alertId);
    }
    for (const alert of plan.cancel) {
      await this.alerts.close(manager, data.operationId, alert.alertId, NO_LONGER_NEEDED_REASON);
    }
    for (const alert of plan.raise) {
      await this.alerts.raise(manager, after, data.revision, alert, event.id);
    }
    for (const alert of plan.schedule) {
      await this.alerts.scheduleAtStart(manager, after, data.revision, alert, event.id);
    }
    this.logger.info(
      {
        operationId: data.operationId,
        revision: data.revision,
        superseded: plan.supersede.length,
        cancelled: plan.cancel.length,
        raised: plan.raise.length,
        scheduledAtStart: plan.schedule.length,
      },
      'operation updated; alerts revised',
    );
  }

  async onCancelled(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as OperationCancelled;
    const operation = await this.openOperation(manager, data.operationId, event);
    if (operation === undefined) return;
    await this.operations.setStatus(manager, data.operationId, 'cancelled', event.id);
    const reason = operationCancelledReason(data.reason);
    const live = await this.operations.liveAlerts(manager, data.operationId);
    for (const alert of live) {
      await this.alerts.close(manager, data.operationId, alert.alertId, reason);
    }
    // A displacement watch not yet fired never goes out.
    const timers = await this.timers.cancelPending(manager, data.operationId);
    this.logger.info(
      { operationId: data.operationId, cancelled: live.length, timersCancelled: timers },
      'operation cancelled; alerts closed',
    );
  }

  async onOutcomeRecorded(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as OperationOutcomeRecorded;
    const operation = await this.openOperation(manager, data.operationId, event);
    if (operation === undefined) return;
    await this.operations.setStatus(manager, data.operationId, 'completed', event.id);
    const state = stateOf(operation);
    const closing = (await this.operations.liveAlerts(manager, data.operationId)).filter((a) =>
      closedByOutcome(a.rule),
    );
    for (const alert of closing) {
      await this.alerts.close(manager, data.operationId, alert.alertId, OUTCOME_RECORDED_REASON);
    }
    await this.timers.cancelPending(manager, data.operationId, { kind: 'operational_release' });
    const ngoAudience = prebriefAudience(state);
    const decisions = operationOutcomeAlerts({
      operationId: data.operationId,
      borough: data.borough,
      kind: data.kind,
      outcome: data.outcome,
      ...(ngoAudience !== undefined ? { ngoAudience } : {}),
    });
    for (const decision of decisions) {
      const alertId = await this.alerts.request(manager, state, decision, event.id);
      await this.operations.addAlert(manager, data.operationId, {
        alertId,
        rule: decision.rule,
        title: decision.title,
      });
    }
    this.logger.info(
      {
        operationId: data.operationId,
        closed: closing.length,
        rules: decisions.map((d) => d.rule),
      },
      'operation outcome recorded; shared back',
    );
  }

  private async check(manager: EntityManager, address: Address): Promise<KnownVictimAnswer> {
    const place = placeOf(address);
    if (place.postcode === undefined && place.address === undefined) {
      return { match: false, matchedOn: [] };
    }
    return this.knownVictims.check(manager, place);
  }

  /**
   * The operation, locked, if it is still planned. One safeguarding never recorded (its plan
   * came before safeguarding started, or was dead-lettered) has no alert to follow up; one
   * cancelled or completed takes no further change. Either is logged and skipped.
   */
  private async openOperation(
    manager: EntityManager,
    operationId: string,
    event: HarbourEvent,
  ): Promise<OperationRecord | undefined> {
    const operation = await this.operations.lock(manager, operationId);
    if (operation === undefined) {
      this.logger.warn(
        { operationId, eventId: event.id, eventType: event.type },
        'event for an operation safeguarding never recorded; skipped',
      );
      return undefined;
    }
    if (operation.status !== 'planned') {
      this.logger.warn(
        { operationId, eventId: event.id, eventType: event.type, status: operation.status },
        'operation no longer planned; event ignored',
      );
      return undefined;
    }
    return operation;
  }
}
