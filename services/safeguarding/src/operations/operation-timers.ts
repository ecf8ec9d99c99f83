import type { Logger } from '@harbour/messaging';
import type { FieldCipher } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { AlertPublisher } from '../alerts/alert-publisher';
import { type OperationalDetail, operationalReleaseStage } from '../domain/operation-release';
import { displacementWatch } from '../domain/operation-rules';
import type { ScheduledAction } from '../scheduling/scheduled-action-store';
import type { OperationAlerts, OperationSettings } from './operation-alerts';
import { OPERATIONAL_CONTEXT } from './operation-handler';
import { type OperationStore, stateOf } from './operation-store';

/**
 * What an operation's timers do when due, inside the poller's transaction (which holds the
 * action and the operation locked): release the operational detail to a live alert, or send the
 * displacement watch computed from the operation's latest state.
 */
export class OperationTimers {
  constructor(
    private readonly operations: OperationStore,
    private readonly operationAlerts: OperationAlerts,
    private readonly alerts: AlertPublisher,
    private readonly cipher: FieldCipher,
    private readonly settings: OperationSettings,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async fire(action: ScheduledAction, manager: EntityManager): Promise<{ alertId?: string }> {
    const operation = await this.operations.find(manager, action.operationId);
    if (operation === undefined) throw new Error(`operation ${action.operationId} not found`);
    switch (action.kind) {
      case 'operational_release': {
        const alert =
          action.alertId === undefined
            ? undefined
            : await this.operations.alert(manager, action.alertId);
        if (alert === undefined || alert.state !== 'live') {
          this.logger.warn(
            { actionId: action.id, alertId: action.alertId },
            'operational release for an alert no longer live; nothing released',
          );
          return {};
        }
        // Written by the handler from the validated event's `operation.operational`.
        const detail = this.cipher.decryptJson(
          operation.operationalEncrypted,
          OPERATIONAL_CONTEXT,
        ) as OperationalDetail;
        await this.alerts.releaseStage(
          manager,
          alert.alertId,
          operationalReleaseStage({
            title: alert.title,
            detail,
            releasedAt: this.clock(),
            vettedKinds: this.settings.vettedKinds,
          }),
        );
        return {};
      }
      case 'displacement_watch': {
        const state = stateOf(operation);
        const watch = displacementWatch(state, this.settings).find((p) => p.rule === action.rule);
        if (operation.status === 'cancelled' || watch === undefined) {
          this.logger.warn(
            { actionId: action.id, operationId: action.operationId, rule: action.rule },
            'displacement watch no longer applies; nothing sent',
          );
          return {};
        }
        const alertId = await this.operationAlerts.raise(
          manager,
          state,
          operation.revision,
          watch,
          action.causeEventId,
        );
        return { alertId };
      }
    }
  }
}
