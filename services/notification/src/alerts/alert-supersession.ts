import type { AlertRequested } from '@harbour/contracts';
import type { Logger } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryRepository, NewDelivery } from '../delivery/delivery-repository';
import { maySupersede } from '../domain/alert-state';
import type { EscalationTimers } from '../escalation/escalation-timers';
import { AlertRecipients } from '../follow-ups/alert-recipients';
import type { AlertRepository } from './alert-repository';

export interface AlertSupersessionOptions {
  dataSource: DataSource;
  alerts: AlertRepository;
  deliveries: DeliveryRepository;
  escalation: EscalationTimers;
  logger: Logger;
}

/**
 * An alert that `supersedes` another (safeguarding regraded the risk) replaces it: the old alert
 * becomes `superseded` and stops escalating, and each contact it was sent to (alert or
 * escalation) whose organisation the new alert does not reach gets a `supersession` delivery
 * ("[SUPERSEDED] <old title>": replaced by a <severity> alert for the partners it concerns).
 * Organisations the new alert reaches get the new alert itself, which is their news.
 */
export class AlertSupersession {
  private readonly recipients: AlertRecipients;

  constructor(private readonly options: AlertSupersessionOptions) {
    this.recipients = new AlertRecipients(options.dataSource);
  }

  /**
   * Supersedes what `newer` names, in the transaction that recorded `newer` and added its
   * deliveries. An alert not recorded yet is superseded when it arrives (`supersededOnArrival`);
   * one that already ended stays as it is.
   */
  async supersede(manager: EntityManager, newer: AlertRequested): Promise<void> {
    const { alerts, deliveries, escalation, logger } = this.options;
    const oldId = newer.supersedes;
    if (oldId === undefined) return;
    const about = { alertId: oldId, supersededBy: newer.alertId };
    if (oldId === newer.alertId) {
      logger.warn(about, 'an alert cannot supersede itself; ignored');
      return;
    }
    const old = await alerts.lock(oldId, manager);
    if (old === null) {
      logger.warn(about, 'superseded alert not recorded yet; it is superseded when it arrives');
      return;
    }
    if (!maySupersede(old.state)) {
      logger.info({ ...about, state: old.state }, 'superseded alert already ended; left as it is');
      return;
    }
    await alerts.markSuperseded(oldId, newer.alertId, new Date(newer.requestedAt), manager);
    const cancelledTimers = await escalation.cancelPending(manager, oldId);
    const reachedByNewer = await this.recipients.organisationsAddressed([newer.alertId], manager);
    const left = (await this.recipients.reached(oldId, manager)).filter(
      (r) => !reachedByNewer.has(r.organisationId),
    );
    const notices: NewDelivery[] = left.map((recipient) => ({
      alertId: oldId,
      organisationId: recipient.organisationId,
      contactId: recipient.contactId,
      channel: recipient.channel,
      address: recipient.address,
      matchedRule: `supersession: not reached by alert ${newer.alertId} & ${recipient.matchedRule}`,
      purpose: 'supersession',
    }));
    const added = await deliveries.addPending(notices, manager);
    logger.info(
      { ...about, cancelledEscalationTimers: cancelledTimers, supersessions: added.length },
      'alert superseded; recipients the new alert does not reach are being told',
    );
  }

  /**
   * For an alert being recorded: when a recorded alert already supersedes it (the two arrived
   * out of order), it is recorded superseded at once — nobody is alerted, nothing escalates.
   * True when so.
   */
  async supersededOnArrival(manager: EntityManager, alert: AlertRequested): Promise<boolean> {
    const successor = await this.options.alerts.successorOf(alert.alertId, manager);
    if (successor === null) return false;
    await this.options.alerts.markSuperseded(
      alert.alertId,
      successor.id,
      successor.requestedAt,
      manager,
    );
    this.options.logger.warn(
      { alertId: alert.alertId, supersededBy: successor.id },
      'alert arrived after the alert that supersedes it: recorded superseded, not delivered',
    );
    return true;
  }
}
