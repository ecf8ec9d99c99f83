import type { AlertCancelled } from '@harbour/contracts';
import type { HarbourEvent } from '@harbour/messaging';
import type { EntityManager } from 'typeorm';
import { mayClose } from '../domain/alert-state';
import { AlertNotYetKnownError } from '../follow-ups/alert-not-yet-known-error';
import { AlertEndNotices } from './alert-end-notices';
import type { AlertHandlerOptions } from './alert-handler-options';

export const ALERT_CANCELLED = 'harbour.alert.cancelled';

export type AlertCancelledHandlerOptions = Omit<AlertHandlerOptions, 'directory'>;

/**
 * `harbour.alert.cancelled` → the alert closed, once, with when and why; its pending escalation
 * timers cancelled (their queue jobs are removed after commit: `Escalation.kick`); and one pending
 * `closure` delivery ("[CLOSED] <title>", with the reason) to every contact the alert or an
 * escalation of it was sent to — all in the consumer's transaction, with its inbox row. A
 * cancellation of a closed alert changes nothing; one for an alert not recorded yet throws
 * `AlertNotYetKnownError` (retried, then dead-lettered for a replay).
 *
 * A superseded alert is closed too (found: every alert of the episode is cancelled), but only its
 * recipients that no alert replacing it reached are told: the others hear it from the closure of
 * the alert that replaced it, and are not told twice.
 */
export class AlertCancelledHandler {
  private readonly notices: AlertEndNotices;

  constructor(private readonly options: AlertCancelledHandlerOptions) {
    this.notices = new AlertEndNotices(options);
  }

  async onCancelled(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const { alerts, logger } = this.options;
    // The consumer validated the payload against the contract before calling us.
    const cancellation = event.data as AlertCancelled;
    const { alertId } = cancellation;
    const about = { alertId, eventId: event.id };
    const alert = await alerts.lock(alertId, manager);
    if (alert === null)
      throw new AlertNotYetKnownError(alertId, 'its cancellation cannot close it');
    if (!mayClose(alert.state)) {
      logger.info(about, 'alert already closed; cancellation ignored');
      return;
    }
    const wasState = alert.state;
    await alerts.close(alertId, new Date(cancellation.cancelledAt), cancellation.reason, manager);
    const { cancelledEscalationTimers, notices } = await this.notices.add(manager, {
      alertId,
      purpose: 'closure',
      rule: 'closure',
      toldBy: wasState === 'superseded' ? await alerts.successorChain(alertId, manager) : [],
    });
    logger.info(
      { ...about, wasState, cancelledEscalationTimers, closures: notices },
      'alert closed; recipients are being told',
    );
  }
}
