import type { AlertCancelled } from '@harbour/contracts';
import type { HarbourEvent } from '@harbour/messaging';
import type { Logger } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryRepository, NewDelivery } from '../delivery/delivery-repository';
import { mayClose } from '../domain/alert-state';
import type { EscalationTimers } from '../escalation/escalation-timers';
import { AlertNotYetKnownError } from '../follow-ups/alert-not-yet-known-error';
import { AlertRecipients } from '../follow-ups/alert-recipients';
import type { AlertRepository } from './alert-repository';

export const ALERT_CANCELLED = 'harbour.alert.cancelled';

export interface AlertCancelledHandlerOptions {
  dataSource: DataSource;
  alerts: AlertRepository;
  deliveries: DeliveryRepository;
  escalation: EscalationTimers;
  logger: Logger;
}

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
  private readonly recipients: AlertRecipients;

  constructor(private readonly options: AlertCancelledHandlerOptions) {
    this.recipients = new AlertRecipients(options.dataSource);
  }

  async onCancelled(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const { alerts, deliveries, escalation, logger } = this.options;
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
    const cancelledTimers = await escalation.cancelPending(manager, alertId);

    let recipients = await this.recipients.reached(alertId, manager);
    if (wasState === 'superseded') {
      const toldBySuccessor = await this.recipients.organisationsAddressed(
        await alerts.successorChain(alertId, manager),
        manager,
      );
      recipients = recipients.filter((r) => !toldBySuccessor.has(r.organisationId));
    }
    const closures: NewDelivery[] = recipients.map((recipient) => ({
      alertId,
      organisationId: recipient.organisationId,
      contactId: recipient.contactId,
      channel: recipient.channel,
      address: recipient.address,
      matchedRule: `closure & ${recipient.matchedRule}`,
      purpose: 'closure',
    }));
    const added = await deliveries.addPending(closures, manager);
    logger.info(
      { ...about, wasState, cancelledEscalationTimers: cancelledTimers, closures: added.length },
      'alert closed; recipients are being told',
    );
  }
}
