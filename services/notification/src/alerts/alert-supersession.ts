import type { AlertRequested } from '@harbour/contracts';
import type { EntityManager } from 'typeorm';
import { maySupersede } from '../domain/alert-state';
import { AlertEndNotices } from './alert-end-notices';
import type { AlertHandlerOptions } from './alert-handler-options';

export type AlertSupersessionOptions = Omit<AlertHandlerOptions, 'directory'>;

/**
 * An alert that `supersedes` another (safeguarding regraded the risk) replaces it: the old alert
 * becomes `superseded` and stops escalating, and each contact it was sent to (alert or
 * escalation) whose organisation the new alert does not reach gets a `supersession` delivery
 * ("[SUPERSEDED] <old title>": replaced by a <severity> alert for the partners it concerns).
 * Organisations the new alert reaches get the new alert itself, which is their news.
 */
export class AlertSupersession {
  private readonly notices: AlertEndNotices;

  constructor(private readonly options: AlertSupersessionOptions) {
    this.notices = new AlertEndNotices(options);
  }

  /**
   * Supersedes what `newer` names, in the transaction that recorded `newer` and added its
   * deliveries. An alert not recorded yet is superseded when it arrives (`AlertRepository.recordOpening`);
   * one that already ended stays as it is.
   */
  async supersede(manager: EntityManager, newer: AlertRequested): Promise<void> {
    const { alerts, logger } = this.options;
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
    // Organisations the new alert reaches have it as their news: they are not told of the old.
    const { cancelledEscalationTimers, notices } = await this.notices.add(manager, {
      alertId: oldId,
      purpose: 'supersession',
      rule: `supersession: not reached by alert ${newer.alertId}`,
      toldBy: [newer.alertId],
    });
    logger.info(
      { ...about, cancelledEscalationTimers, supersessions: notices },
      'alert superseded; recipients the new alert does not reach are being told',
    );
  }
}
