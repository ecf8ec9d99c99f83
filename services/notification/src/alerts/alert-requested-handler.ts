import type { AlertRequested } from '@harbour/contracts';
import type { HarbourEvent } from '@harbour/messaging';
import type { Logger } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { DirectoryRepository } from '../directory/directory-repository';
import { coordinatorFallbackRule, type Recipient, resolveAudience } from '../domain/audience';
import { contactsToAlert } from '../domain/duty-hours';
import type { DeliveryRepository, NewDelivery } from '../delivery/delivery-repository';
import type { EscalationTimers } from '../escalation/escalation-timers';
import type { AlertHandlerOptions } from './alert-handler-options';
import type { AlertRepository } from './alert-repository';
import { audienceCandidates } from './audience-candidates';
import { AlertSupersession } from './alert-supersession';

export const ALERT_REQUESTED = 'harbour.alert.requested';

export type AlertRequestedHandlerOptions = AlertHandlerOptions;

/**
 * `harbour.alert.requested` → the alert row and one pending delivery per contact of every
 * organisation the audience reaches, all in the consumer's transaction (with its inbox row), so
 * a redelivered event changes nothing, with the alert's escalation timer. Sending happens after
 * commit, through the queue. An alert that `supersedes` another replaces it in the same
 * transaction (`AlertSupersession`).
 */
export class AlertRequestedHandler {
  private readonly alerts: AlertRepository;
  private readonly directory: DirectoryRepository;
  private readonly deliveries: DeliveryRepository;
  private readonly logger: Logger;
  private readonly escalation: EscalationTimers;
  private readonly supersession: AlertSupersession;

  constructor(options: AlertRequestedHandlerOptions) {
    this.alerts = options.alerts;
    this.directory = options.directory;
    this.deliveries = options.deliveries;
    this.logger = options.logger;
    this.escalation = options.escalation;
    this.supersession = new AlertSupersession(options);
  }

  async onRequested(event: HarbourEvent, manager: EntityManager): Promise<void> {
    // The consumer validated the payload against the contract before calling us.
    const alert = event.data as AlertRequested;
    const about = { alertId: alert.alertId, severity: alert.severity, eventId: event.id };
    if (!(await this.alerts.record(alert, manager))) {
      this.logger.info(about, 'alert already recorded; request ignored');
      return;
    }
    if (await this.supersession.supersededOnArrival(manager, alert)) return;
    // The escalation policy is snapshotted and its first timer armed with the alert itself.
    await this.escalation.planAndSchedule(manager, alert);
    const candidates = await audienceCandidates(this.directory, alert.audience, manager);
    let recipients = resolveAudience(alert.audience, candidates);
    let deliveries = await this.deliveriesTo(alert, recipients, manager);
    if (deliveries.length === 0) {
      // Never silence: when no partner can be reached (neither selected nor named, or none with
      // a contact), the coordinator is alerted instead.
      const rule = coordinatorFallbackRule(alert.audience);
      const coordinators = await this.directory.organisationsOfKinds(['coordinator'], manager);
      recipients = coordinators.map((organisation) => ({ organisation, rule }));
      deliveries = await this.deliveriesTo(alert, recipients, manager);
      // Audience and boroughs are routing data, never personal data.
      const routing = { roles: alert.audience.roles, boroughs: alert.audience.boroughs };
      if (deliveries.length === 0) {
        this.logger.error({ ...about, ...routing }, 'alert reaches nobody, not even a coordinator');
      } else {
        this.logger.warn({ ...about, ...routing }, 'alert reaches no partner: coordinator alerted');
      }
    }
    await this.deliveries.addPending(deliveries, manager);
    // After its own deliveries: who the new alert reaches decides who hears of the old one.
    await this.supersession.supersede(manager, alert);
    this.logger.info(
      { ...about, organisations: recipients.length, deliveries: deliveries.length },
      'alert recorded; deliveries pending',
    );
  }

  /**
   * One pending delivery per contact each recipient is reached at now (its out-of-hours contacts
   * too when the alert comes outside its duty hours); warns about recipients with none.
   */
  private async deliveriesTo(
    alert: AlertRequested,
    recipients: Recipient[],
    manager: EntityManager,
  ): Promise<NewDelivery[]> {
    const contacts = await this.directory.contactsOf(
      recipients.map((r) => r.organisation.id),
      manager,
    );
    const unreachable = recipients
      .filter((r) => !contacts.some((c) => c.organisationId === r.organisation.id))
      .map((r) => r.organisation.id);
    if (unreachable.length > 0) {
      this.logger.warn(
        { alertId: alert.alertId, organisationIds: unreachable },
        'organisations in the audience have no contact; they are not alerted',
      );
    }
    const at = new Date(alert.requestedAt);
    return recipients.flatMap((recipient) =>
      contactsToAlert(
        contacts.filter((contact) => contact.organisationId === recipient.organisation.id),
        recipient.organisation.dutyHours,
        at,
      ).map((contact) => ({
        alertId: alert.alertId,
        organisationId: recipient.organisation.id,
        contactId: contact.id,
        channel: contact.channel,
        address: contact.address,
        matchedRule: recipient.rule,
      })),
    );
  }
}
