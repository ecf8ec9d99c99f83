import type { EntityManager } from 'typeorm';
import type { NewDelivery } from '../delivery/delivery-repository';
import type { EndPurpose } from '../domain/alert-end';
import { AlertRecipients } from '../follow-ups/alert-recipients';
import type { AlertHandlerOptions } from './alert-handler-options';

export type AlertEndNoticesOptions = Pick<
  AlertHandlerOptions,
  'dataSource' | 'deliveries' | 'escalation'
>;

export interface AlertEndNotice {
  /** The alert that ended (closed or superseded). */
  alertId: string;
  purpose: EndPurpose;
  /** Why the recipients are told, put before each recipient's own rule in `matched_rule`. */
  rule: string;
  /**
   * Alerts whose own news covers the end: an organisation any of them was addressed to hears it
   * from them and is not told here too.
   */
  toldBy: readonly string[];
}

/**
 * What an alert's end does once the alert is marked ended, in the same transaction: its pending
 * escalation timers cancelled, and one pending `closure` or `supersession` delivery to every
 * contact the alert or an escalation of it reached, except those of organisations told by
 * another alert.
 */
export class AlertEndNotices {
  private readonly recipients: AlertRecipients;

  constructor(private readonly options: AlertEndNoticesOptions) {
    this.recipients = new AlertRecipients(options.dataSource);
  }

  async add(
    manager: EntityManager,
    end: AlertEndNotice,
  ): Promise<{ cancelledEscalationTimers: number; notices: number }> {
    const { deliveries, escalation } = this.options;
    const { alertId, purpose, rule } = end;
    const cancelledEscalationTimers = await escalation.cancelPending(manager, alertId);
    const toldElsewhere = await this.recipients.organisationsAddressed(end.toldBy, manager);
    const recipients = (await this.recipients.reached(alertId, manager)).filter(
      (r) => !toldElsewhere.has(r.organisationId),
    );
    const notices: NewDelivery[] = recipients.map((recipient) => ({
      alertId,
      organisationId: recipient.organisationId,
      contactId: recipient.contactId,
      channel: recipient.channel,
      address: recipient.address,
      matchedRule: `${rule} & ${recipient.matchedRule}`,
      purpose,
    }));
    const added = await deliveries.addPending(notices, manager);
    return { cancelledEscalationTimers, notices: added.length };
  }
}
